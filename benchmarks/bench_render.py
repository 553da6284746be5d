"""Time /brief and /who rendering over a large database.

    .venv/bin/python -m benchmarks.bench_render [--articles 10000] [--runs 200] [--database-url URL]

Builds a database of N synthetic articles (deterministic summaries from bench_consolidate: a
few hundred officials, fifteen topics, thirty outlets) with their facts and the consolidated
picture, then times what a command costs from the service call to the finished Telegram
messages: the brief (whole beat, per topic, since a date), the channel post and /who lookups.
Prints the median and 99th percentile of each. The picture is parsed once per stored version
(the precomputation); each call then filters, builds the view and renders it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_consolidate import articles as synthetic_summaries
from briefings import render
from briefings.beats import load_beats
from briefings.brief import build_brief
from briefings.config import load_settings
from briefings.consolidate import Consolidator
from briefings.models import ArticleSummary
from briefings.service.app import BriefingService
from briefings.storage.db import Database
from briefings.storage.facts import summary_facts
from briefings.storage.picture import pack_picture
from briefings.storage.tables import Article, ArticleBeat, Outlet, Picture, utcnow


def build(db: Database, summaries: list[ArticleSummary]) -> None:
    """Store the articles with their facts and the picture, in bulk: every synthetic article on the
    default beat (its facts name no states, so the beat's judge is not asked)."""
    beat = load_beats([])[0]
    outlets: dict[str, int] = {}
    with db.transaction() as session:
        for name in sorted({s.outlet for s in summaries if s.outlet}):
            row = Outlet(name=name)
            session.add(row)
            session.flush()
            outlets[name] = row.id
    consolidator = Consolidator()
    for start in range(0, len(summaries), 1000):
        with db.transaction() as session:
            for i, summary in enumerate(summaries[start : start + 1000], start=start):
                date = dt.date.fromisoformat(summary.reference_date) if summary.reference_date else None
                article = Article(
                    title=summary.title or f"Article {i}",
                    published=date,
                    reference_date=date,
                    outlet_id=outlets.get(summary.outlet or ""),
                    text=f"synthetic article {i}",
                    content_hash=f"{i:064d}",
                    word_count=540,
                )
                session.add(article)
                session.flush()
                named = summary.model_copy(update={"article": str(article.id)})
                for fact in summary_facts(named):
                    fact.article_id = article.id
                    session.add(fact)
                session.add(ArticleBeat(article_id=article.id, beat=beat.slug, relevant=True, reason={}))
                consolidator.add(named)
    picture = consolidator.result()
    with db.transaction() as session:
        session.add(
            Picture(
                id=1,
                beat=beat.slug,
                beat_digest=beat.digest,
                version=1,
                articles=len(summaries),
                packed=pack_picture(picture),
                updated_at=utcnow(),
            )
        )


def timed(fn: object, runs: int) -> list[float]:
    call = fn  # a zero-argument callable
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        call()  # type: ignore[operator]
        samples.append((time.perf_counter() - t0) * 1000)
    return samples


def report(label: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(f"{label:<28} median {statistics.median(samples):7.2f} ms   p99 {p99:7.2f} ms   (n={len(samples)})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--database-url", default="")
    ap.add_argument("--reuse", type=Path, help="a SQLite file: built on the first run, reused after")
    ap.add_argument("--quick", action="store_true", help="small sizes for CI (no thresholds)")
    args = ap.parse_args(argv)
    if args.quick:
        args.articles, args.runs = 300, 20
    with tempfile.TemporaryDirectory() as tmp:
        reuse = args.reuse is not None and args.reuse.exists()
        url = args.database_url or f"sqlite:///{args.reuse or Path(tmp) / 'bench.db'}"
        db = Database(url)
        t0 = time.perf_counter()
        if not reuse:
            build(db, synthetic_summaries(args.articles, args.seed))
        print(
            f"{'reused' if reuse else 'built'} {args.articles} articles in {time.perf_counter() - t0:.1f} s"
            f" ({db.engine.url.get_backend_name()})"
        )
        service = BriefingService(load_settings(), db=db)
        t0 = time.perf_counter()
        service.reading.brief_messages()
        print(f"first brief (parses the picture): {(time.perf_counter() - t0) * 1000:.0f} ms")
        topics = [slug for slug, _ in service.beats.topics()]
        picture = service.reading.snapshot().picture
        people = [p.name.split()[-1] for p in picture.officials[:50]]
        snap = service.reading.snapshot()

        def uncached() -> None:
            view = build_brief(snap.picture, snap.meta, service.beats.default.labels, beat="bench")
            render.render_telegram("brief", view)

        report("brief, view built each time", timed(uncached, max(10, args.runs // 10)))
        report("brief (whole beat)", timed(lambda: service.reading.brief_messages(), args.runs))
        topic = "trade" if "trade" in topics else topics[0]
        report("brief --topic", timed(lambda: service.reading.brief_messages(topic), args.runs))
        report(
            "brief --since",
            timed(lambda: service.reading.brief_messages(None, dt.date(2024, 10, 1)), args.runs),
        )
        report("channel post", timed(lambda: service.reading.channel_post_messages(), args.runs))
        names = iter(people * (args.runs // max(1, len(people)) + 1))
        report("who <surname>", timed(lambda: service.reading.who_messages(next(names)), args.runs))
        db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
