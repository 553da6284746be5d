"""Short wire flashes are news: one or two sentences that say who did what are stored; a page of
navigation crumbs, however many words it has left, is not. Decided by content, not by a word count."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefings import service
from briefings.extract import Extractor
from briefings.ingest.fetch import FetchPolicy
from briefings.storage.db import Database

POLICY = FetchPolicy(timeout=1.0, max_bytes=64 * 1024, allow_private=True)

FLASHES = {
    "two-sentences.txt": (
        "date 2025-07-02 Foreign Secretary Vikram Misri met Chinese Vice Foreign Minister Sun Weidong."
        " The two sides agreed to resume flights."
    ),
    "one-sentence.txt": (
        "Foreign Secretary Vikram Misri met Chinese Vice Foreign Minister Sun Weidong in Beijing."
    ),
    "said.txt": "Chinese Foreign Minister Wang Yi said on Monday that border talks would resume in August.",
    "regular-verb.txt": (
        "India and China agreed on Tuesday to restore direct flights between the two countries."
    ),
}

CRUMBS = {
    "crumbs.txt": "Home › World › Asia › India\nPolitics | Business | Opinion | Videos\nSubscribe. Sign in.",
    "menu.txt": "Latest News\nTrending Topics\nIndia China Relations\nMore From Our Network\nFollow Us",
    "headline-only.txt": "India China Talks Resume In Beijing",
    "no-actor.txt": "The two sides agreed to resume flights.",
    "tiny.txt": "Just a headline.",
}


def write(folder: Path, texts: dict[str, str]) -> list[str]:
    paths = []
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(str(folder / name))
    return paths


def test_short_flashes_are_stored_and_crumbs_are_not(
    db: Database, extractor: Extractor, tmp_path: Path
) -> None:
    inputs = write(tmp_path, FLASHES) + write(tmp_path, CRUMBS)
    report = service.ingest_articles(db, inputs, POLICY, extractor)
    rejected = {Path(r.source).name: r.reason for r in report.rejected}
    assert report.ingested == len(FLASHES), rejected
    assert sorted(rejected) == sorted(CRUMBS)
    for name, reason in rejected.items():
        assert reason.startswith("too little text to be an article"), (name, reason)
    stored = {Path(r.sources[0]).name: r for r in service.list_articles(db)}
    assert stored["two-sentences.txt"].published == "2025-07-02"


@pytest.mark.parametrize("name", sorted(FLASHES))
def test_a_flash_names_who_did_what(name: str) -> None:
    from briefings.ingest.flash import is_flash

    assert is_flash(FLASHES[name].removeprefix("date 2025-07-02 "))


@pytest.mark.parametrize("name", sorted(CRUMBS))
def test_crumbs_are_no_flash(name: str) -> None:
    from briefings.ingest.flash import is_flash

    assert not is_flash(CRUMBS[name])
