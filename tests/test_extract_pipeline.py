"""The public API: Extractor.load / extract / extract_many / topics, spans, fallbacks, no names in code."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from briefings.extract import Extractor
from briefings.extract.nlp import has_ner, load_nlp
from briefings.models import ArticleSummary, CleanArticle

REPO = Path(__file__).resolve().parents[1]

ARTICLE = CleanArticle(
    title="EU and China trade envoys meet",
    text=(
        "European Trade Commissioner Maros Sefcovic met Chinese Commerce Minister Wang Wentao in Brussels "
        "on Tuesday. The two sides agreed to set up a dialogue on export controls and to resume talks on "
        'electric vehicle tariffs. "We want results, not slogans," Sefcovic said. China\'s commerce '
        'ministry said in a statement that the talks were "pragmatic and candid". Trade between the two '
        "reached $780 billion last year, up 4% on 2023.\n"
        "Reporting by Julia Payne; Editing by Jan Harvey\n"
    ),
    published=dt.date(2025, 3, 21),
    outlet="Example Wire",
    url="https://example.org/a",
)


@pytest.fixture(scope="module")
def ex() -> Extractor:
    return Extractor.load()


def test_extract_returns_a_summary(ex: Extractor) -> None:
    s = ex.extract(ARTICLE, "eu.txt")
    assert isinstance(s, ArticleSummary)
    assert (s.article, s.published, s.reference_date, s.outlet) == (
        "eu.txt",
        "2025-03-21",
        "2025-03-21",
        "Example Wire",
    )
    assert {o.name for o in s.officials} == {"Maros Sefcovic", "Wang Wentao"}
    assert [q.speaker for q in s.quotes] == ["Maros Sefcovic", "Chinese Ministry of Commerce"]
    assert [e.date for e in s.events] == ["2025-03-18"]


def test_every_span_is_inside_the_text(ex: Extractor) -> None:
    s = ex.extract(ARTICLE, "eu.txt")
    n = len(ARTICLE.text)
    spans = [sp for o in s.officials for sp in o.spans] + [sp for i in s.issues for sp in i.spans]
    spans += [a.span for a in s.agreements] + [e.span for e in s.events] + [q.span for q in s.quotes]
    spans += [f.span for f in s.figures]
    assert spans and all(0 <= sp.start < sp.end <= n for sp in spans)


def test_json_shape_matches_the_schema(ex: Extractor) -> None:
    data = ex.extract(ARTICLE, "eu.txt").model_dump(mode="json")
    for key in (
        "article",
        "published",
        "outlet",
        "officials",
        "agreements",
        "issues",
        "events",
        "quotes",
        "figures",
    ):
        assert key in data


def test_extract_many_keeps_order_and_matches_single_process(ex: Extractor) -> None:
    items = [(f"a{i}.txt", ARTICLE) for i in range(6)]
    one = [s.model_dump() for s in ex.extract_many(items)]
    two = [s.model_dump() for s in ex.extract_many(items, n_process=2)]
    assert [s["article"] for s in one] == [f"a{i}.txt" for i in range(6)]
    assert one == two


def test_topics_lists_slugs_and_labels(ex: Extractor) -> None:
    assert ("rare-earths", ex.taxonomy.label("rare-earths")) in ex.topics
    assert len(ex.topics) == 13


def test_blank_pipeline_fallback_still_extracts() -> None:
    nlp = load_nlp("no_such_model_package")
    assert not has_ner(nlp)
    assert "sentencizer" in nlp.pipe_names
    ex = Extractor.load(use_model=False)
    s = ex.extract(ARTICLE, "eu.txt")
    assert {o.name for o in s.officials} == {"Maros Sefcovic", "Wang Wentao"}


def test_empty_article(ex: Extractor) -> None:
    s = ex.extract(CleanArticle(title="", text=""), "empty.txt")
    assert s.officials == [] and s.events == [] and s.reference_date is None


SEED_NAMES = re.compile(
    r"Misri|Weidong|Jaiswal|Rawat|Doval|Jaishankar|Wang Yi|Lin Jian|Xi Jinping|"
    r"Narendra Modi|Murmu|Li Qiang|Starmer"
)


def test_no_seed_names_in_extractor_code_or_data() -> None:
    root = REPO / "briefings" / "extract"
    hits = [
        str(p)
        for p in root.rglob("*")
        if p.suffix in {".py", ".toml", ".txt", ".json", ".yaml"}
        and SEED_NAMES.search(p.read_text(encoding="utf-8"))
    ]
    assert hits == []
