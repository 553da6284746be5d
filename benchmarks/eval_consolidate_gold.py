"""Consolidate the gold per-article annotations and write the picture as JSON for the scorer.

    .venv/bin/python -m benchmarks.eval_consolidate_gold [--optional] [--out FILE]
    python ../shared/eval/score_consolidated.py --gold ../shared/gold/CONSOLIDATED.json --pred FILE --verbose

The gold files become ArticleSummary objects (spans 0..0; a quote's ``starts`` is its text; gold
``published`` or ``published_inferred`` is the reference date; an issue's ``note`` is its
evidence). ``--optional`` also takes the borderline items of the ``optional_*`` lists, which a
real extraction may or may not find. With ``--extract`` the seeds are run through
``briefings.extract`` instead, when it is available.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from briefings.consolidate import consolidate
from briefings.models import (
    Agreement,
    ArticleSummary,
    Event,
    Figure,
    IssueMention,
    Official,
    Quote,
    Span,
)

SHARED = Path(__file__).resolve().parents[2] / "shared"
NO_SPAN = Span(start=0, end=0)


def _items(gold: dict[str, Any], field: str, optional: bool) -> list[dict[str, Any]]:
    return list(gold.get(field, [])) + (list(gold.get(f"optional_{field}", [])) if optional else [])


def summary_from_gold(gold: dict[str, Any], optional: bool = False) -> ArticleSummary:
    return ArticleSummary(
        article=gold["article"],
        published=gold.get("published"),
        reference_date=gold.get("published") or gold.get("published_inferred"),
        outlet=gold.get("outlet"),
        officials=[
            Official(
                name=o["name"],
                aliases=o.get("aliases", []),
                title=o.get("title"),
                country=o.get("country"),
                other_titles=o.get("other_titles", []),
            )
            for o in _items(gold, "officials", optional)
        ],
        agreements=[
            Agreement(
                text=a["text"],
                topic=a.get("topic"),
                when=a.get("when"),
                prior=a.get("prior", False),
                span=NO_SPAN,
            )
            for a in _items(gold, "agreements", optional)
        ],
        issues=[
            IssueMention(topic=i["topic"], status=i["status"], evidence=i.get("note", ""))
            for i in _items(gold, "issues", optional)
        ],
        events=[
            Event(date=e["date"], what=e["what"], evidence=e.get("evidence", ""), span=NO_SPAN)
            for e in _items(gold, "events", optional)
        ],
        quotes=[
            Quote(text=q["starts"], speaker=q.get("speaker"), span=NO_SPAN)
            for q in _items(gold, "quotes", optional)
        ],
        figures=[
            Figure(value=f["value"], what=f["what"], span=NO_SPAN) for f in _items(gold, "figures", optional)
        ],
    )


def gold_summaries(optional: bool) -> list[ArticleSummary]:
    golds = [json.loads(p.read_text()) for p in sorted((SHARED / "gold").glob("*.json"))]
    return [summary_from_gold(g, optional) for g in golds if "article" in g]


def extracted_summaries() -> list[ArticleSummary]:
    from briefings.extract import Extractor
    from briefings.ingest.clean import clean_text

    extractor = Extractor.load()
    out = []
    for path in sorted((SHARED / "seeds").glob("*.txt")):
        out.append(extractor.extract(clean_text(path.read_text()), path.name))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--optional", action="store_true", help="also use the gold optional_* items")
    ap.add_argument(
        "--extract", action="store_true", help="run briefings.extract on the seeds instead of gold"
    )
    ap.add_argument("--out", type=Path, default=Path("benchmarks/out/consolidated.json"))
    args = ap.parse_args(argv)
    summaries = extracted_summaries() if args.extract else gold_summaries(args.optional)
    started = time.perf_counter()
    picture = consolidate(summaries)
    elapsed = time.perf_counter() - started
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(picture.model_dump(mode="json"), indent=2, ensure_ascii=False))
    print(f"{len(summaries)} articles consolidated in {elapsed * 1000:.1f} ms -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
