"""What judging relevance costs against the whole ingest.

    .venv/bin/python -m benchmarks.bench_relevance [--n 2000] [--seed 7]

Writes bench_ingest's synthetic corpus (several country pairs, so some stories are on the
India–China beat and most are not), ingests it with ``briefings ingest`` into a fresh SQLite file
with two beats (the bundled India–China one and examples/beats/us-china-trade.toml), then reads the
stored summaries back and times what ingest does per article and beat for relevance: ``judge``
(the verdict stored with the article) and ``restrict`` (the summary the beat's picture merges).
Prints both times and their share of the ingest's wall time (target: under 10%).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_ingest import run_ingest, write_corpus
from briefings.beats import judge, load_beat, load_beats, restrict
from briefings.storage.db import Database
from briefings.storage.reads import stored_summaries

REPO = Path(__file__).resolve().parents[1]
TRADE = REPO / "examples" / "beats" / "us-china-trade.toml"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--quick", action="store_true", help="small size for CI (no thresholds)")
    args = ap.parse_args(argv)
    if args.quick:
        args.n = 40
    beats = [load_beats([])[0], load_beat(TRADE)]
    os.environ["BRIEFINGS_BEATS"] = ",".join(str(b.path) for b in beats)
    cli = Path(sys.executable).parent / "briefings"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        files, stories = write_corpus(folder, args.n, args.seed)
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        elapsed, _peak, summary = run_ingest(cli, folder, url)
        print(f"ingest of {files} files ({stories} stories), two beats: {summary}; {elapsed:.1f} s")
        db = Database(url)
        with db.transaction() as session:
            summaries = list(stored_summaries(session))
        db.dispose()
        on = {b.slug: 0 for b in beats}
        t0 = time.perf_counter()
        for s in summaries:
            for beat in beats:
                verdict = judge(s, beat)
                verdict.as_json()
                on[beat.slug] += verdict.relevant
        judged = time.perf_counter() - t0
        t0 = time.perf_counter()
        for s in summaries:
            for beat in beats:
                restrict(s, beat)
        restricted = time.perf_counter() - t0
    per = 1000 / max(1, len(summaries))
    print(f"on the beats: {on} of {len(summaries)} stories")
    print(
        f"judge, 2 beats: {judged:.2f} s ({judged * per:.2f} ms/article),"
        f" {100 * judged / elapsed:.1f}% of ingest"
    )
    print(
        f"restrict, 2 beats: {restricted:.2f} s ({restricted * per:.2f} ms/article),"
        f" {100 * restricted / elapsed:.1f}% of ingest"
    )
    print(f"relevance in all: {100 * (judged + restricted) / elapsed:.1f}% of the ingest's wall time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
