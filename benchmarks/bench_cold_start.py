"""A new process merges one article into the picture of 10,000 articles: how long each step takes.

    .venv/bin/python -m benchmarks.bench_cold_start [--n 10000] [--runs 5] [--cache /tmp/briefings-cold-start]
    .venv/bin/python -m benchmarks.bench_cold_start --quick   # 60 stories, 2 runs, a fresh cache (CI)

1. The database (built once, kept in ``--cache``): bench_ingest's synthetic corpus of ``--n``
   stories ingested with ``briefings ingest`` into a SQLite file (about 4 minutes at 10,000).
2. The state (built once per version of the consolidation code, kept in ``--cache``): every
   stored summary but the last, in id order, merged into one consolidator (all of them, not only
   the bundled beat's: the picture of a beat that holds every article), its state stored as the
   pipeline stores it (:mod:`briefings.consolidate.state`), the last summary kept apart as the one
   more article, and the picture of all of them built from scratch as the reference.
3. ``--runs`` new processes, one after the other, each timing: reading the state's bytes,
   restoring the consolidator, adding the one article, ``result()``, packing the picture (the
   picture work of one more article), then checking that the packed picture is byte for byte the
   reference and timing saving the state again (the pipeline saves it every 256 articles). The
   cyclic collector is off, as in the pipeline. Prints the best and the median of each step.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import briefings.consolidate
from benchmarks.bench_ingest import run_ingest, write_corpus
from briefings.consolidate import Consolidator
from briefings.consolidate import state as consolidator_state
from briefings.models import ArticleSummary
from briefings.storage.db import Database
from briefings.storage.picture import pack_picture
from briefings.storage.reads import stored_summaries

REPO = Path(__file__).resolve().parents[1]
STEPS = ("read", "restore", "add", "result", "pack")  # the picture work of one more article
AFTER = ("save",)  # not paid on every article


def code_digest() -> str:
    """The consolidation code and its data: a state kept in the cache is built again when it changes."""
    digest = hashlib.blake2b(digest_size=8)
    folder = Path(briefings.consolidate.__file__).parent
    for path in sorted([*folder.glob("*.py"), *folder.glob("data/*")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def database(cache: Path, n: int, seed: int) -> str:
    path = cache / f"bench-{n}-{seed}.db"
    if not path.exists():
        folder = cache / f"corpus-{n}-{seed}"
        folder.mkdir(parents=True, exist_ok=True)
        files, stories = write_corpus(folder, n, seed)
        print(f"building the database: {files} files, {stories} stories (once)", flush=True)
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        elapsed, _peak, summary = run_ingest(
            Path(sys.executable).parent / "briefings", folder, f"sqlite:///{partial}"
        )
        print(f"  {summary} in {elapsed:.0f} s", flush=True)
        partial.rename(path)
    return f"sqlite:///{path}"


def prepare(cache: Path, url: str, code: str) -> Path:
    """The state and the one more article for this code and database (built once), and the
    reference picture (built once per database: consolidated output must not change with the code)."""
    folder = cache / f"state-{code}-{Path(url).stem}"
    if (folder / "state.bin").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    db = Database(url)
    with db.transaction() as session:
        summaries = list(stored_summaries(session))
    db.dispose()
    *held, one = summaries
    gc.disable()
    t0 = time.perf_counter()
    consolidator = Consolidator()
    for summary in held:
        consolidator.add(summary)
    consolidator.result()  # as the pipeline does before it saves the state
    built = time.perf_counter() - t0
    (folder / "one.json").write_text(one.model_dump_json(), encoding="utf-8")
    reference = cache / f"reference-{url.rsplit('/', 1)[-1]}.bin"
    if not reference.exists():
        reference.write_bytes(pack_picture(_scratch(summaries).result()))
    (folder / "reference.bin").symlink_to(reference)
    (folder / "state.bin").write_bytes(consolidator_state.dump(consolidator, code))
    print(f"state of {len(held)} articles built in {built:.1f} s (once per code version)", flush=True)
    return folder


def _scratch(summaries: list[ArticleSummary]) -> Consolidator:
    consolidator = Consolidator()
    for summary in summaries:
        consolidator.add(summary)
    return consolidator


def child(folder: Path, code: str) -> dict[str, float]:
    """One new process's steps (seconds)."""
    gc.disable()
    spent: dict[str, float] = {}
    t0 = time.perf_counter()
    data = (folder / "state.bin").read_bytes()
    one = ArticleSummary.model_validate_json((folder / "one.json").read_text(encoding="utf-8"))
    t1 = time.perf_counter()
    consolidator = consolidator_state.load(data, code)
    t2 = time.perf_counter()
    consolidator.add(one)
    t3 = time.perf_counter()
    picture = consolidator.result()
    t4 = time.perf_counter()
    packed = pack_picture(picture)
    t5 = time.perf_counter()
    if packed != (folder / "reference.bin").read_bytes():
        raise SystemExit("the picture differs from the one built from scratch")
    t6 = time.perf_counter()
    consolidator_state.dump(consolidator, code)
    spent["save"] = time.perf_counter() - t6
    for step, (a, b) in zip(STEPS, [(t0, t1), (t1, t2), (t2, t3), (t3, t4), (t4, t5)], strict=True):
        spent[step] = b - a
    spent["bytes"] = len(data)
    return spent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/briefings-cold-start"))
    ap.add_argument("--quick", action="store_true", help="60 stories, 2 runs, a fresh cache (no thresholds)")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--code", default="", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child is not None:  # the code tag of the state it was given, whatever changed since
        print(json.dumps(child(args.child, args.code)))
        return 0
    if args.quick:
        with tempfile.TemporaryDirectory() as tmp:
            return measure(Path(tmp), 60, args.seed, 2)
    return measure(args.cache, args.n, args.seed, args.runs)


def measure(cache: Path, n: int, seed: int, runs_wanted: int) -> int:
    code = code_digest()
    cache.mkdir(parents=True, exist_ok=True)
    folder = prepare(cache, database(cache, n, seed), code)
    runs: list[dict[str, float]] = []
    for _ in range(runs_wanted):
        t0 = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_cold_start", "--child", str(folder), "--code", code],
            capture_output=True,
            text=True,
            check=False,
            cwd=REPO,
        )
        if out.returncode != 0:
            raise SystemExit(out.stderr.strip()[-800:] or out.stdout.strip())
        runs.append({**json.loads(out.stdout), "process": time.perf_counter() - t0})
    print(f"{n} articles, state {runs[0]['bytes'] / 1e6:.1f} MB, {runs_wanted} new processes")
    runs = [{**r, "picture work": sum(r[s] for s in STEPS)} for r in runs]
    for step in (*STEPS, "picture work", *AFTER, "process"):
        values = [r[step] * 1000 for r in runs]
        print(f"  {step:<13} best {min(values):7.1f} ms  median {statistics.median(values):7.1f} ms")
    print(f"load average: {Path('/proc/loadavg').read_text().split()[:3]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
