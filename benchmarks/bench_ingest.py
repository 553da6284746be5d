"""Ingest + extract + consolidate a large synthetic corpus, then re-ingest it, then add one article.

    .venv/bin/python -m benchmarks.bench_ingest [--n 10000] [--database-url URL] [--seed 7]

The corpus (deterministic by seed) is written as text files: articles of about seed length composed
from bench_extract's sentence templates over several country pairs, topics and outlets, with
officials drawn from a pool that grows over time (new people keep appearing) and about 5% of the
stories syndicated, i.e. stored again under a second file name. Then:

1. ``briefings ingest FOLDER`` as a subprocess: articles/s end to end, peak memory of the process
   tree (sampled every 250 ms);
2. the same command again (nothing changed): articles/s;
3. in-process, with the extractor already loaded: ingesting one new article into the full
   database, first as a process that has not seen the picture yet (it restores the stored
   consolidator state), then again in the same process (the consolidator is in memory, as in
   the bot, which ingests on a schedule). The picture work (restoring the state, merging,
   building, packing and saving the picture) is timed apart from extraction and storage.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.bench_extract import compose, tree_rss_mb
from briefings import service
from briefings.extract import Extractor
from briefings.ingest.fetch import FetchPolicy
from briefings.service import picture as picture_service
from briefings.service import pipeline
from briefings.storage.db import Database

OUTLETS = ["Capital Wire", "Harbour Herald", "Meridian Post", "Asia Ledger", "Northgate Daily", "Silk Route"]


HOW = {"cold": "state restored from the database", "warm": "consolidator in memory"}


def write_corpus(folder: Path, n: int, seed: int) -> tuple[int, int]:
    """(files written, distinct stories)."""
    rng = random.Random(seed)
    files = stories = 0
    for i in range(n):
        day = 1 + (i * 365) // max(1, n)
        stamp = f"2025-{1 + (day - 1) // 31 % 12:02d}-{1 + (day - 1) % 28:02d}"
        domain = rng.choice(OUTLETS).lower().replace(" ", "") + ".com"
        text = f"date {stamp} {compose(rng)}\nMore stories like this are available on {domain}\n"
        (folder / f"{i:06d}.txt").write_text(text, encoding="utf-8")
        files += 1
        stories += 1
        if rng.random() < 0.05:  # syndicated: the same story under another name
            (folder / f"{i:06d}-syndicated.txt").write_text(text, encoding="utf-8")
            files += 1
    return files, stories


def run_ingest(cli: Path, folder: Path, url: str) -> tuple[float, float, str]:
    peak = 0.0
    start = time.perf_counter()
    proc = subprocess.Popen(
        [str(cli), "ingest", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**_env(), "BRIEFINGS_DATABASE_URL": url},
    )
    while proc.poll() is None:
        peak = max(peak, tree_rss_mb(proc.pid))
        time.sleep(0.25)  # reading smaps costs CPU the ingest would otherwise have
    out, err = proc.communicate()
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"briefings ingest failed ({proc.returncode}): {err.strip()[-500:]}")
    return elapsed, peak, out.strip()


class Timed:
    """Time spent in the pipeline's picture steps: merging new articles into the consolidator
    (restoring the stored state first, in a new process) and updating the pictures."""

    def __init__(self) -> None:
        self.spent = {"picture": 0.0, "restore": 0.0}
        # the pipeline calls the picture's merge and update; the picture module restores the state
        for module, name, part in (
            (pipeline, "_merge", "picture"),
            (pipeline, "update_pictures", "picture"),
            (picture_service, "_restore", "restore"),
        ):
            setattr(module, name, self._wrap(getattr(module, name), part))

    def _wrap(self, fn: Callable[..., Any], part: str) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.spent[part] += time.perf_counter() - t0

        return timed

    def reset(self) -> None:
        self.spent = dict.fromkeys(self.spent, 0.0)


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--database-url", default="", help="default: a SQLite file in a temporary folder")
    ap.add_argument("--quick", action="store_true", help="small size for CI (no thresholds)")
    args = ap.parse_args(argv)
    if args.quick:
        args.n = 60
    cli = Path(sys.executable).parent / "briefings"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        files, stories = write_corpus(folder, args.n, args.seed)
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        backend = url.split(":", 1)[0]
        print(f"corpus: {files} files, {stories} distinct stories; database: {backend}")
        elapsed, peak, summary = run_ingest(cli, folder, url)
        print(f"first ingest: {summary}")
        rate = f"{files / elapsed:.1f} files/s ({stories / elapsed:.1f} stories/s)"
        print(f"  {elapsed:.1f} s, {rate}, peak {peak:.0f} MB")
        elapsed, peak, summary = run_ingest(cli, folder, url)
        print(f"re-ingest unchanged: {summary}")
        print(f"  {elapsed:.1f} s, {files / elapsed:.0f} files/s, peak {peak:.0f} MB")
        extractor = Extractor.load()
        timed = Timed()
        for n, label in enumerate(("cold", "warm"), start=1):
            if label == "cold":
                db = Database(url)  # a process that has not seen the picture: it restores the stored state
            one = Path(tmp) / f"one-more-{label}.txt"
            one.write_text("date 2026-01-05 " + compose(random.Random(args.seed + n)), encoding="utf-8")
            timed.reset()
            t0 = time.perf_counter()
            report = service.ingest_articles(db, [str(one)], FetchPolicy(allow_private=True), extractor)
            total = time.perf_counter() - t0
            assert report.ingested == 1, report.summary()
            picture, restore = timed.spent["picture"] * 1000, timed.spent["restore"] * 1000
            print(
                f"one more article, {label} ({HOW[label]}):"
                f" extract + store + picture update {total * 1000:.0f} ms;"
                f" picture work {picture:.0f} ms (restoring the state {restore:.0f} ms)"
            )
        t0 = time.perf_counter()
        service.update_picture(db)
        print(f"picture update alone, warm, nothing new: {(time.perf_counter() - t0) * 1000:.0f} ms")
        db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
