"""Fuzz ingestion and the bot's commands for a bounded wall time; print cases run and failures.

    .venv/bin/python -m benchmarks.fuzz_run [--target ingest|inputs|commands|all] [--seconds 300]
                                            [--seed N] [--max-bytes N] [--out FILE]
                                            [--database-url URL]

The properties are those of the CI tests (``tests/test_fuzz_ingest.py``,
``tests/test_fuzz_commands.py``; see ``tests/fuzz/``), run in batches of Hypothesis examples, each
batch with its own seed, until the time is up. A failing example is shrunk by Hypothesis and
reported once per distinct failure (exception type and where it was raised); the full reports go
to ``--out`` as soon as they are found (default: fuzz-failures.txt in the temporary folder). An
ingest case that takes longer than ``--slow`` seconds is a failure too; its files are kept next
to ``--out`` in fuzz-slow-cases/, and so are those of a failed ``briefings ingest`` run. Exit
status 1 when anything failed.

* ingest: hostile files into a fresh SQLite database (a temporary folder; or ``--database-url``, an
  empty database, e.g. a PostgreSQL schema) through the real pipeline and extractor, the database
  emptied between cases; between batches, a ``briefings ingest`` process over the files of the
  last 100 cases or more;
* inputs: hostile URLs and paths (malformed, private or reserved hosts, IDNA, bad ports, names too
  long, unknown users) beside a good file, through the real pipeline: one line each, the batch goes on;
* commands: hostile arguments to /brief, /who, /subscribe, /timeline, /start, /ingest, /post,
  buttons and group commands, sent through the local Bot API server to the real bot.
"""

from __future__ import annotations

import argparse
import logging
import random
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[1]

BATCH = 40


@dataclass
class Outcome:
    target: str
    cases: int = 0
    batches: int = 0
    seconds: float = 0.0
    failures: dict[str, str] = field(default_factory=dict)  # signature -> report
    occurrences: dict[str, int] = field(default_factory=dict)


def signature(error: BaseException) -> str:
    """The type of a failure and the innermost frame of ours that raised it."""
    inner = error
    while isinstance(inner, BaseExceptionGroup) and inner.exceptions:
        inner = inner.exceptions[0]
    frames = [f for f in traceback.extract_tb(inner.__traceback__) if str(REPO) in f.filename]
    where = f"{Path(frames[-1].filename).relative_to(REPO)}:{frames[-1].lineno}" if frames else "?"
    first = (str(inner).strip().splitlines() or [""])[0][:160]
    if type(inner).__name__ == "PropertyFailed":
        return f"PropertyFailed: {first.split(':')[0]}"
    return f"{type(inner).__name__} at {where}: {first}"


def report(error: BaseException) -> str:
    notes = "\n".join(getattr(error, "__notes__", []))
    text = "".join(traceback.format_exception(error))
    return f"{text}\n{notes}"


#: where each failure's full report goes as soon as it is found (set from --out)
REPORTS: list[Path] = []


def record(name: str, out: Outcome, error: BaseException, where: str) -> None:
    note(name, out, signature(error), f"{where}\n{report(error)}")


def note(name: str, out: Outcome, key: str, text: str) -> None:
    out.occurrences[key] = out.occurrences.get(key, 0) + 1
    if key not in out.failures:
        out.failures[key] = text
        print(f"[{name}] FAILURE {key}", flush=True)
        for path in REPORTS:  # at once: a run stopped later keeps what it found
            with path.open("a", encoding="utf-8") as file:
                file.write(f"== {name}: {key}\n{text}\n\n")


def run_batches(
    name: str,
    strategy: st.SearchStrategy[Any],
    check: Callable[[Any], None],
    counted: Callable[[], int],
    seconds: float,
    rng: random.Random,
    out: Outcome,
    between: Callable[[], None] | None = None,
) -> None:
    """Hypothesis batches with fresh seeds until ``seconds`` are over (shrinking included);
    ``between`` runs after each batch, outside Hypothesis (a failure there is reported as is)."""
    deadline = time.monotonic() + seconds
    start = time.monotonic()
    config = settings(
        max_examples=BATCH,
        deadline=None,
        database=None,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )

    failing = False

    def body(case: Any) -> None:
        nonlocal failing
        if time.monotonic() > deadline and not failing:
            return  # time is up: the rest of the batch is skipped (but a failure is still shrunk)
        try:
            check(case)
        except Exception:
            failing = True
            raise

    while time.monotonic() < deadline:
        failing = False
        batch_seed = rng.randrange(2**32)
        test = seed(batch_seed)(config(given(strategy)(body)))
        out.batches += 1
        try:
            test()
        except Exception as error:  # a property failed (Hypothesis has shrunk it)
            record(name, out, error, f"seed {batch_seed}")
        if between is not None:
            try:
                between()
            except Exception as error:
                record(name, out, error, f"after the batch of seed {batch_seed}")
        out.cases = counted()
        print(
            f"[{name}] {time.monotonic() - start:6.0f} s  {out.cases} cases  {len(out.failures)} failures",
            flush=True,
        )
    out.seconds = time.monotonic() - start


def fuzz_ingest(
    seconds: float,
    rng: random.Random,
    max_bytes: int,
    folder: Path,
    database_url: str | None,
    slow: float,
    keep: Path,
) -> Outcome:
    from briefings.extract import Extractor
    from tests.fuzz.ingest import IngestTarget, counts, run_cli
    from tests.fuzz.strategies import FuzzFile, fuzz_files

    out = Outcome("ingest")
    folder.mkdir(parents=True, exist_ok=True)
    url = database_url or f"sqlite:///{folder / 'fuzz.db'}"
    target = IngestTarget(url, folder / "cases", Extractor.load(), max_bytes=max_bytes)
    if counts(target.db).articles:
        target.close()
        sys.exit("error: --database-url: the database holds articles; the fuzz run empties it between cases")
    cases: list[Path] = []
    cli_runs = 0

    def cli_over_cases() -> None:
        """One ``briefings ingest`` process over the files of the cases so far (then deleted)."""
        nonlocal cli_runs
        cli_runs += 1
        try:
            run_cli(cases, f"sqlite:///{folder / f'cli-{cli_runs}.db'}", folder)
        except Exception:
            kept = keep / f"cli-{cli_runs}"
            for case in cases:  # the files it failed on, for a look
                shutil.copytree(case, kept / case.name, dirs_exist_ok=True)
            print(f"[ingest] briefings ingest failed; its input is kept in {kept}", flush=True)
            raise
        finally:
            for case in cases:
                shutil.rmtree(case, ignore_errors=True)
            cases.clear()

    def cli_between_batches() -> None:
        if len(cases) >= 100:
            cli_over_cases()

    def check(files: list[FuzzFile]) -> None:
        started = time.monotonic()
        try:
            target.check(files)
        finally:
            case = folder / "cases" / f"case-{target.cases}"
            cases.append(case)
            took = time.monotonic() - started
            if took > slow:  # kept for a look, reported; not shrunk (that would take as long again)
                kept = keep / f"slow-{target.cases}"
                shutil.copytree(case, kept, dirs_exist_ok=True)
                note("ingest", out, f"Slow: a case took over {slow:g} s", f"{took:.0f} s; its files: {kept}")
                print(f"[ingest] SLOW case {target.cases}: {took:.0f} s, files kept in {kept}", flush=True)

    try:
        run_batches(
            "ingest",
            fuzz_files(max_bytes=max_bytes),
            check,
            lambda: target.cases,
            seconds,
            rng,
            out,
            between=cli_between_batches,
        )
        if cases:
            try:
                cli_over_cases()
            except Exception as error:
                record("ingest", out, error, "the last briefings ingest run")
    finally:
        target.close()
    print(f"[ingest] articles stored {target.ingested}, rejections {target.rejected}, cli runs {cli_runs}")
    return out


GOOD = """India and China agree to restore flights

date 2025-06-13

Indian Foreign Secretary Asha Kumar met Chinese Vice Foreign Minister Liu Bo in New Delhi on June 12.
The two sides agreed to restore direct flights, India said.
"""


def fuzz_inputs(seconds: float, rng: random.Random, folder: Path, database_url: str | None) -> Outcome:
    """Hostile URLs and paths (malformed, private, reserved, IDNA, too long, unknown users) beside a
    good file: each refused in one line, the good file stored, the batch going on."""
    from briefings.extract import Extractor
    from tests.fuzz.ingest import IngestTarget
    from tests.fuzz.strategies import fuzz_inputs as inputs_strategy

    out = Outcome("inputs")
    folder.mkdir(parents=True, exist_ok=True)
    good = folder / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    url = database_url or f"sqlite:///{folder / 'inputs.db'}"
    target = IngestTarget(url, folder / "cases", Extractor.load(), max_bytes=64 * 1024)
    try:

        def check(inputs: list[str]) -> None:
            target.check_inputs(good, inputs)

        run_batches("inputs", inputs_strategy(), check, lambda: target.cases, seconds, rng, out)
    finally:
        target.close()
    print(f"[inputs] rejections {target.rejected}")
    return out


def fuzz_commands(seconds: float, rng: random.Random, folder: Path) -> Outcome:
    from briefings.extract import Extractor
    from briefings.ingest.fetch import FetchPolicy
    from briefings.service import ingest_articles
    from briefings.storage.db import Database
    from tests.fuzz.commands import CommandTarget, command_cases

    out = Outcome("commands")
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / 'corpus.db'}"
    extractor = Extractor.load()
    db = Database(url)
    try:  # the bundled sample articles, as the end-to-end tests have them
        ingest_articles(db, [str(REPO / "examples" / "articles")], FetchPolicy(allow_private=True), extractor)
    finally:
        db.dispose()
    with CommandTarget(url, extractor) as target:
        run_batches("commands", command_cases(), target.check, lambda: target.cases, seconds, rng, out)
        target.finish()
        print(
            f"[commands] Bot API calls {target.calls}, all accepted: {target.rejected_calls == []}; "
            f"replies {target.replies}"
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--target", choices=["ingest", "inputs", "commands", "all"], default="all")
    parser.add_argument("--seconds", type=float, default=300.0, help="wall time per target")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--max-bytes", type=int, default=256 * 1024, help="ingestion size cap")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "fuzz-failures.txt")
    parser.add_argument(
        "--database-url",
        default=None,
        help="an EMPTY database for the ingest target (e.g. PostgreSQL); default: a SQLite file",
    )
    parser.add_argument("--quick", action="store_true", help="20 seconds per target")
    parser.add_argument(
        "--slow", type=float, default=60.0, help="an ingest case taking longer is reported (files kept)"
    )
    args = parser.parse_args()
    # errors only: refusals of admin commands from the fuzzed users are logged at WARNING
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:  # the bot's INFO lines are watched, not printed
        handler.setLevel(logging.ERROR)
    seconds = 20.0 if args.quick else args.seconds
    args.out.unlink(missing_ok=True)
    REPORTS.append(args.out)
    master = args.seed if args.seed is not None else random.randrange(2**32)
    print(f"seed {master}, {seconds:g} s per target", flush=True)
    rng = random.Random(master)
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        if args.target in ("ingest", "all"):
            outcomes.append(
                fuzz_ingest(
                    seconds,
                    rng,
                    args.max_bytes,
                    Path(tmp) / "ingest",
                    args.database_url,
                    args.slow,
                    args.out.parent / "fuzz-slow-cases",
                )
            )
        if args.target in ("inputs", "all"):
            outcomes.append(fuzz_inputs(seconds, rng, Path(tmp) / "inputs", args.database_url))
        if args.target in ("commands", "all"):
            outcomes.append(fuzz_commands(seconds, rng, Path(tmp) / "commands"))
    failed = False
    for o in outcomes:
        summary = f"{o.cases} cases in {o.seconds:.0f} s ({o.batches} batches), {len(o.failures)} failures"
        print(f"{o.target}: {summary}")
        for key, n in o.occurrences.items():
            print(f"  {key}  (in {n} batches)")
            failed = True
    if failed:
        print(f"reports: {args.out}")
        sys.exit(1)


if __name__ == "__main__":
    main()
