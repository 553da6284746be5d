"""Benchmark: extraction throughput and peak memory over N synthetic seed-length articles.

    .venv/bin/python -m benchmarks.bench_extract [--n 500] [--seed 7] [--from DIR] [--keep DIR]

Articles are composed from the sentence templates below (original text, varied names, states and
numbers; deterministic for a given --seed), about 540 words each like the seed articles, written to
a temporary folder (or, with --from, copies of real articles). Then ``briefings extract FOLDER
--format json`` runs as a subprocess, so the time includes interpreter start, imports, model loading
and JSON output. Peak memory is the proportional set size of the command and its workers
together (shared pages counted once), sampled every 50 ms.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PAIRS = [
    ("United States", "US", "China", "Chinese", "Washington", "Beijing"),
    ("European Union", "EU", "China", "Chinese", "Brussels", "Beijing"),
    ("India", "Indian", "United States", "US", "New Delhi", "Washington"),
    ("India", "Indian", "Pakistan", "Pakistani", "New Delhi", "Islamabad"),
    ("Japan", "Japanese", "South Korea", "South Korean", "Tokyo", "Seoul"),
    ("India", "Indian", "China", "Chinese", "New Delhi", "Beijing"),
]
GIVEN = [
    "Elena",
    "Tomas",
    "Arjun",
    "Mei",
    "Kenji",
    "Farah",
    "Daniel",
    "Soo-ah",
    "Ravi",
    "Lucia",
    "Omar",
    "Hana",
]
FAMILY = ["Marsh", "Okafor", "Verma", "Tanaka", "Qureshi", "Lindqvist", "Moreau", "Park", "Iyer", "Castell"]
TITLES = [
    "Foreign Minister",
    "Trade Minister",
    "Commerce Secretary",
    "Vice Foreign Minister",
    "Ambassador",
    "National Security Adviser",
    "Deputy Prime Minister",
    "Foreign Secretary",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "September", "October"]
TEMPLATES = [
    "{nat_a} {title_a} {name_a} met {nat_b} {title_b} {name_b} in {cap_b} on {weekday} for talks that both "
    "sides described as candid and useful.",
    "The two sides agreed to resume direct flights and take practical steps for visa facilitation, "
    "according to a statement issued after the meeting.",
    '"We want a relationship that is stable and predictable," {last_a} said after the talks, adding that '
    "the two governments would meet again in {month}.",
    "{name_b}, {country_b}'s {title_b_low}, told reporters that the discussions had covered trade, "
    "investment and supply chains.",
    "Bilateral trade reached ${trade} billion last year, up {pct}% from a year earlier, according to "
    "official customs data.",
    "The visit is the {ordinal} round of the dialogue since the mechanism was set up in {year}.",
    "Officials said a delegation of about {count} business leaders would travel to {cap_a} later this month.",
    "{last_b} is on a {days}-day visit and is scheduled to meet the prime minister before leaving.",
    "Analysts said the talks reflected a cautious thaw after years of tension over tariffs and export "
    "controls.",
    'The ministry said in a statement that the two sides had an "in-depth exchange of views" on regional '
    "issues of mutual interest.",
    "In {year}, the two countries signed an agreement on maritime cooperation that has since lapsed.",
    "{country_a} has urged {country_b} to ease restrictions on rare earth magnets, which are used in "
    "electric vehicles and wind turbines.",
    "Shipments fell by {pct}% in {month}, and manufacturers warned of a shortage if the curbs stayed in "
    "place for another six months.",
    "Both sides pledged to hold further talks on market access and to set up a working group on standards.",
    '"There is no shortcut," {last_a} said. "But we are moving in the right direction."',
    "The {nat_a} embassy in {cap_b} said the consular section would process visas faster from {month}.",
    "Former ambassador {name_c} said the meeting was overdue but welcome, given the tensions of the past "
    "two years.",
    "The talks came days after {country_b} announced new duties on steel imports, a move {cap_a} called "
    "unhelpful.",
    "{title_a} {last_a} also raised concerns over cross-border terrorism and the security of shipping lanes.",
    "Negotiators are expected to meet again in {cap_a} on {weekday}, officials familiar with the plans said.",
]


def compose(rng: random.Random) -> str:
    country_a, nat_a, country_b, nat_b, cap_a, cap_b = rng.choice(PAIRS)
    names = [f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}" for _ in range(3)]
    title_a, title_b = rng.sample(TITLES, 2)
    values = {
        "country_a": country_a,
        "nat_a": nat_a,
        "country_b": country_b,
        "nat_b": nat_b,
        "cap_a": cap_a,
        "cap_b": cap_b,
        "name_a": names[0],
        "name_b": names[1],
        "name_c": names[2],
        "last_a": names[0].split()[-1],
        "last_b": names[1].split()[-1],
        "title_a": title_a,
        "title_b": title_b,
        "title_b_low": title_b.lower(),
        "weekday": rng.choice(WEEKDAYS),
        "month": rng.choice(MONTHS),
        "trade": rng.randint(20, 700),
        "pct": rng.randint(2, 60),
        "ordinal": f"{rng.randint(2, 30)}th",
        "year": rng.randint(2005, 2023),
        "count": rng.randint(10, 90),
        "days": rng.choice(["two", "three", "four"]),
    }
    sentences: list[str] = []
    paragraphs: list[str] = []
    while sum(len(p.split()) for p in paragraphs) + sum(len(s.split()) for s in sentences) < 540:
        sentences.append(rng.choice(TEMPLATES).format(**values))
        if len(sentences) == 4:
            paragraphs.append(" ".join(sentences))
            sentences = []
    if sentences:
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs) + "\n"


def tree_rss_mb(pid: int) -> float:
    """Memory of a process and all its descendants, from /proc (MB).

    Uses the proportional set size (Pss: pages shared between forked workers are divided among
    them), so the total is what the tree really occupies; falls back to VmRSS without smaps_rollup.
    """
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            total += _pss_kb(current)
            with open(f"/proc/{current}/task/{current}/children") as children:
                pending += [int(c) for c in children.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total / 1024


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (FileNotFoundError, PermissionError):
        pass
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def write_corpus(folder: Path, n: int, rng: random.Random, source: Path | None) -> int:
    """N articles: composed from templates, or copies of the .txt articles in ``source``."""
    originals = sorted(source.glob("*.txt")) if source else []
    words = 0
    for i in range(n):
        text = originals[i % len(originals)].read_text(encoding="utf-8") if originals else compose(rng)
        words += len(text.split())
        (folder / f"{i:05d}.txt").write_text(text, encoding="utf-8")
    return words


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=500, help="number of articles (default 500)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--from", dest="source", type=Path, help="replicate the .txt articles of this folder")
    ap.add_argument("--keep", type=Path, help="write the articles here and keep them")
    ap.add_argument("--quick", action="store_true", help="small size for CI (no thresholds)")
    args = ap.parse_args(argv)
    if args.quick:
        args.n = 40
    rng = random.Random(args.seed)
    cli = Path(sys.executable).parent / "briefings"
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp) / "articles"
        folder.mkdir(parents=True, exist_ok=True)
        words = write_corpus(folder, args.n, rng, args.source)
        peak = 0.0
        start = time.perf_counter()
        with open(Path(tmp) / "out.json", "wb") as sink:
            proc = subprocess.Popen([str(cli), "extract", str(folder), "--format", "json"], stdout=sink)
            while proc.poll() is None:
                peak = max(peak, tree_rss_mb(proc.pid))
                time.sleep(0.05)
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            print(f"briefings extract failed with status {proc.returncode}", file=sys.stderr)
            return 1
        count = len(json.loads((Path(tmp) / "out.json").read_text(encoding="utf-8")))
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"command: briefings extract <{args.n} articles> --format json")
    print(f"articles: {count}  words: {words}")
    print(f"wall time (incl. process start): {elapsed:.2f} s")
    print(f"throughput: {count / elapsed:.1f} articles/s, {words / elapsed:,.0f} words/s")
    print(f"peak memory: {peak:.0f} MB (process tree, Pss, sampled); largest process RSS {largest:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
