"""Turn ingestion inputs (paths, folders, page URLs, feed URLs, feed files) into clean articles.

Every input yields :class:`Loaded` articles or :class:`Rejected` items with a one-line reason;
nothing here raises for bad input and nothing touches the database.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from briefings.errors import FetchError
from briefings.ingest.clean import clean_text
from briefings.ingest.dates import plausible
from briefings.ingest.decode import NotText, decode_text, sniff_format
from briefings.ingest.feed import Feed, FeedEntry, NotAFeed, newest_first, parse_feed
from briefings.ingest.fetch import FetchPolicy, fetch, new_client
from briefings.ingest.flash import is_news
from briefings.ingest.html import NoArticle, article_from_html
from briefings.ingest.urls import parse_url
from briefings.models import CleanArticle
from briefings.printable import printable

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
FEED_SUFFIXES = {".xml", ".rss", ".atom", ".rdf"}
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


@dataclass(frozen=True)
class Loaded:
    source: str
    article: CleanArticle


@dataclass(frozen=True)
class Rejected:
    source: str
    reason: str

    def line(self) -> str:
        """One line, whatever the source's name holds (a feed's guid or link can hold anything):
        control characters, separators and bidirectional overrides are shown escaped."""
        return printable(f"{self.source}: {self.reason}")


Item = Loaded | Rejected

#: what reading one input can raise beyond the reasons given on purpose: the parsers of URLs and
#: host names (ValueError, UnicodeError), the file system (OSError), ``~user`` expansion
#: (RuntimeError). Caught where one input is read, they reject that input alone.
INPUT_ERRORS = (ValueError, OSError, RuntimeError, httpx.InvalidURL)


def unreadable(exc: BaseException) -> str:
    """One line on an input that raised: what was raised, and its first line."""
    detail = str(exc).strip().splitlines()
    reason = f"{detail[0][:160]}" if detail else ""
    return f"unreadable input ({type(exc).__name__}{': ' + reason if reason else ''})"


def is_url(value: str) -> bool:
    return bool(_URL.match(value))


class SourceLoader:
    """Loads inputs under one fetch policy, sharing one HTTP client."""

    def __init__(self, policy: FetchPolicy) -> None:
        self.policy = policy
        self._client: httpx.Client | None = None

    def __enter__(self) -> SourceLoader:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = new_client(self.policy)
        return self._client

    def expand(self, inputs: list[str]) -> Iterator[str | Rejected]:
        """Inputs with folders expanded to their files (recursively, sorted, hidden files skipped)."""
        for raw in inputs:
            value = raw.strip()
            if not value:
                yield Rejected(repr(raw), "empty input")
            elif is_url(value):
                yield value
            else:
                yield from _expand_path(value)

    def load(self, source: str) -> Iterator[Item]:
        """One expanded input (a file path or URL) to its articles; whatever the input holds, its
        failures are its own rejections (what it yielded before failing is kept)."""
        try:
            if is_url(source):
                yield from self._load_url(source)
            else:
                yield from self._load_path(Path(source))
        except INPUT_ERRORS as exc:
            yield Rejected(source, unreadable(exc))

    # ------------------------------------------------------------------ files

    def _load_path(self, path: Path) -> Iterator[Item]:
        source = str(path)
        try:
            if not path.is_file():
                yield Rejected(source, "not a regular file")
                return
            size = path.stat().st_size
            if size > self.policy.max_bytes:
                yield Rejected(source, f"too large ({size} bytes; the limit is {self.policy.max_bytes})")
                return
            data = path.read_bytes()
        except OSError as exc:
            yield Rejected(source, f"cannot read ({exc.strerror or type(exc).__name__})")
            return
        suffix = path.suffix.lower()
        yield from self._load_bytes(source, data, kind=_kind_for_suffix(suffix, data))

    # ------------------------------------------------------------------ network

    def _load_url(self, url: str) -> Iterator[Item]:
        try:
            got = fetch(url, self.policy, self.client)
        except FetchError as exc:
            yield Rejected(url, str(exc))
            return
        kind = _kind_for_content_type(got.content_type, got.content)
        yield from self._load_bytes(url, got.content, kind=kind, final_url=got.url)

    # ------------------------------------------------------------------ dispatch

    def _load_bytes(
        self, source: str, data: bytes, *, kind: str, final_url: str | None = None
    ) -> Iterator[Item]:
        problem = sniff_format(data)
        if problem:
            yield Rejected(source, problem)
            return
        if kind == "unsupported":
            yield Rejected(source, "unsupported format (expected text, HTML or an RSS/Atom feed)")
            return
        try:
            text = decode_text(data)
        except NotText as exc:
            yield Rejected(source, str(exc))
            return
        if kind == "feed":
            yield from self._load_feed(source, data)
            return
        try:
            if kind == "html":
                article = article_from_html(text, url=final_url if final_url else None)
            else:
                article = clean_text(text)
                if final_url:
                    article = article.model_copy(update={"url": final_url})
        except NoArticle as exc:
            yield Rejected(source, str(exc))
            return
        yield _checked(source, article)

    def _load_feed(self, source: str, data: bytes) -> Iterator[Item]:
        try:
            feed = parse_feed(data)
        except NotAFeed as exc:
            yield Rejected(source, str(exc))
            return
        if not feed.entries:
            yield Rejected(source, "the feed has no entries")
            return
        entries, cap = newest_first(feed.entries), self.policy.max_feed_entries
        yield from self._feed_entries(source, Feed(feed.title, entries[:cap]))
        if len(entries) > cap:
            limit = f"at most {cap} entries of a feed: BRIEFINGS_MAX_FEED_ENTRIES"
            yield Rejected(source, f"{len(entries) - cap} older entries not read ({limit})")

    def _feed_entries(self, source: str, feed: Feed) -> Iterator[Item]:
        for entry in feed.entries:
            entry_source = entry.link or (f"{source}#{entry.guid}" if entry.guid else source)
            try:
                yield from self._feed_entry(entry_source, entry, feed)
            except INPUT_ERRORS as exc:  # one entry's trouble is that entry's rejection
                yield Rejected(entry_source, unreadable(exc))

    def _feed_entry(self, entry_source: str, entry: FeedEntry, feed: Feed) -> Iterator[Item]:
        if entry.link and is_url(entry.link):
            try:
                parse_url(entry.link)
            except FetchError as exc:
                yield Rejected(entry_source, f"feed entry link: {exc}")
                return
        if entry.text is not None:
            article = clean_text(entry.text, fallback_title=entry.title or None)
            article = article.model_copy(update={"title": entry.title or article.title, "url": entry.link})
        elif entry.link and is_url(entry.link):
            loaded = list(self._load_url(entry.link))
            if not loaded or isinstance(loaded[0], Rejected):
                yield loaded[0] if loaded else Rejected(entry.link, "no article in the page")
                return
            article = loaded[0].article
        else:
            yield Rejected(entry_source, "feed entry has neither full content nor a link")
            return
        article = article.model_copy(
            update={
                "published": entry.published or article.published,
                "outlet": article.outlet or feed.title,
            }
        )
        yield _checked(entry_source, article)


def _checked(source: str, article: CleanArticle) -> Item:
    if not is_news(article.text):
        words = len(article.text.split())
        return Rejected(source, f"too little text to be an article ({words} words, none saying who did what)")
    if article.published is not None and plausible(article.published) is None:
        article = article.model_copy(update={"published": None})
    return Loaded(source, article)


def _expand_path(value: str) -> Iterator[str | Rejected]:
    """A path to its files (a folder's recursively); a path that cannot be looked at is rejected."""
    try:
        path = Path(value).expanduser()
    except RuntimeError:  # ~name of no user, or no home directory at all
        user = value.split("/", 1)[0]
        yield Rejected(value, f"no such user: {user}" if user != "~" else "no home directory to expand ~")
        return
    try:
        if path.is_dir():
            files = list(_walk(path))
        elif path.exists() or path.is_symlink():
            files = [str(path)]
        else:
            yield Rejected(value, "no such file or directory")
            return
    except (OSError, ValueError) as exc:  # a name too long, a NUL byte, no permission
        yield Rejected(value, f"cannot read ({getattr(exc, 'strerror', None) or type(exc).__name__})")
        return
    yield from files


def _walk(folder: Path) -> Iterator[str]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and name.lower() not in {"readme.md", "license", "license.txt"}:
                yield str(Path(root) / name)


def _kind_for_suffix(suffix: str, data: bytes) -> str:
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in FEED_SUFFIXES:
        return "feed"
    if suffix in TEXT_SUFFIXES:
        return _sniff_markup(data) or "text"
    return _sniff_markup(data) or ("text" if suffix in {".csv", ".log"} else "unsupported")


def _kind_for_content_type(content_type: str, data: bytes) -> str:
    ctype = content_type.split(";")[0].strip().lower()
    if ctype in {"application/rss+xml", "application/atom+xml", "application/rdf+xml"}:
        return "feed"
    if ctype in {"text/html", "application/xhtml+xml"}:
        return _sniff_markup(data) or "html"
    if ctype in {"text/xml", "application/xml"}:
        return "feed" if _sniff_markup(data) != "html" else "html"
    if ctype.startswith("text/") or not ctype:
        return _sniff_markup(data) or "text"
    return "unsupported"


def _sniff_markup(data: bytes) -> str | None:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml") or head.startswith((b"<rss", b"<feed", b"<rdf")):
        if b"<html" in head:
            return "html"
        return "feed"
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        return "html"
    return None
