"""Turn ingestion inputs (paths, folders, page URLs, feed URLs, feed files) into clean articles.

Every input yields :class:`Loaded` articles or :class:`Rejected` items with a one-line reason;
nothing here raises for bad input and nothing touches the database.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

import httpx

from briefings.errors import FetchError
from briefings.ingest.clean import clean_text
from briefings.ingest.dates import plausible
from briefings.ingest.decode import NotText, decode_text, sniff_format
from briefings.ingest.feed import Feed, FeedEntry, NotAFeed, newest_first, parse_feed
from briefings.ingest.fetch import FetchPolicy, Validators, fetch, new_client
from briefings.ingest.flash import is_news
from briefings.ingest.html import NoArticle, article_from_html
from briefings.ingest.outlets import feed_publisher
from briefings.ingest.polite import HostGate, RetryLater
from briefings.ingest.urls import parse_url
from briefings.models import CleanArticle
from briefings.printable import printable

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
FEED_SUFFIXES = {".xml", ".rss", ".atom", ".rdf"}
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


@dataclass(frozen=True)
class EntryRef:
    """The feed entry an item came from, for the entry memory (see :class:`Memory`)."""

    feed: str  # the polled feed's URL
    guid: str | None
    link: str | None
    stamp: dt.datetime | None  # the entry's updated (or published) date as the feed gives it
    updated: bool = False  # known, and read again because the feed dates it later
    replaces: int | None = None  # then: the stored article it was


@dataclass(frozen=True)
class Loaded:
    source: str
    article: CleanArticle
    entry: EntryRef | None = None


@dataclass(frozen=True)
class Rejected:
    source: str
    reason: str
    # a feed entry whose page was read and holds no article: remembered, so not fetched again
    entry: EntryRef | None = None

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


@dataclass(frozen=True)
class Known:
    """What is remembered of a feed entry: the article it became (if any) and its date then."""

    article_id: int | None
    stamp: dt.datetime | None


class Memory(Protocol):
    """What the loader asks about earlier polls (the database, for the pipeline)."""

    def validators(self, url: str) -> Validators | None:
        """The ETag and Last-Modified a polled URL gave last time."""
        ...

    def known(self, entries: Sequence[FeedEntry]) -> list[Known | None]:
        """For each entry, what is remembered of it by GUID or link (None: a new entry)."""
        ...


@dataclass
class Polled:
    """How reading one URL input went: what the pipeline records as the source's health."""

    url: str
    validators: Validators | None = None
    not_modified: bool = False  # a 304: nothing read
    error: str | None = None
    retry_after: float | None = None  # what a 429 or 503 asked for
    feed: bool = False
    entries: int = 0  # entries in the feed
    known: int = 0  # entries skipped: read before and not updated since
    updated: int = 0  # entries read again because the feed dates them later


class SourceLoader:
    """Loads inputs under one fetch policy, sharing one HTTP client and one :class:`HostGate`.

    With a ``memory``, every URL input is fetched conditionally (its validators from the last
    poll) and a feed's entries read before are not fetched again unless the feed dates them later.
    """

    def __init__(self, policy: FetchPolicy, memory: Memory | None = None) -> None:
        self.policy = policy
        self.memory = memory
        self._client: httpx.Client | None = None
        started = time.monotonic()
        self.gate = HostGate(
            per_host=policy.per_host,
            min_gap=policy.min_gap,
            until=None if policy.cycle_timeout is None else started + policy.cycle_timeout,
        )
        self.polled: dict[str, Polled] = {}
        self._lock = threading.Lock()
        self._claimed: set[str] = set()  # entry GUIDs and links taken in this run

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

    def load_all(self, sources: Sequence[str]) -> Iterator[tuple[str, list[Item]]]:
        """Every source's items, a source at a time: files in order, here; URLs read at once by
        ``policy.workers`` threads (each host kept to its limits by the gate) and handed over as
        each finishes, so a slow host holds up nobody but itself."""
        urls = [s for s in sources if is_url(s)]
        if len(urls) <= 1:
            for source in sources:
                yield source, list(self.load(source))
            return
        with ThreadPoolExecutor(max_workers=max(1, self.policy.workers), thread_name_prefix="poll") as pool:
            futures: dict[Future[list[Item]], str] = {pool.submit(self._load_list, u): u for u in urls}
            for source in sources:
                if not is_url(source):
                    yield source, list(self.load(source))
            for future in as_completed(futures):
                yield futures[future], future.result()

    def _load_list(self, source: str) -> list[Item]:
        return list(self.load(source))

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
            data = _read_capped(path, self.policy.max_bytes)
            if data is None:
                yield Rejected(source, f"too large (over {self.policy.max_bytes} bytes)")
                return
        except BlockingIOError:
            yield Rejected(source, "not a regular file (reading it would wait for more)")
            return
        except OSError as exc:
            yield Rejected(source, f"cannot read ({exc.strerror or type(exc).__name__})")
            return
        suffix = path.suffix.lower()
        yield from self._load_bytes(source, data, kind=_kind_for_suffix(suffix, data))

    # ------------------------------------------------------------------ network

    def _load_url(self, url: str) -> Iterator[Item]:
        """A URL input: fetched conditionally when a memory is given; how it went in ``polled``."""
        try:
            parse_url(url)
        except FetchError as exc:  # not a URL that can be polled: nothing to remember of it
            yield Rejected(url, str(exc))
            return
        polled = Polled(url)
        with self._lock:
            self.polled[url] = polled
        validators = self.memory.validators(url) if self.memory is not None else None
        try:
            got = fetch(url, self.policy, self.client, validators=validators, gate=self.gate)
        except FetchError as exc:
            polled.error = str(exc)
            polled.retry_after = exc.retry_after if isinstance(exc, RetryLater) else None
            yield Rejected(url, str(exc))
            return
        polled.validators = got.validators
        if got.not_modified:
            polled.not_modified = True
            return
        kind = _kind_for_content_type(got.content_type, got.content)
        for item in self._load_bytes(url, got.content, kind=kind, final_url=got.url, polled=polled):
            if isinstance(item, Rejected) and item.source == url and polled.error is None:
                polled.error = item.reason  # the input itself is no article or feed
            yield item

    def _load_page(self, url: str) -> tuple[list[Item], bool]:
        """A feed entry's page, fetched (never conditionally) and read; and whether it was fetched."""
        try:
            got = fetch(url, self.policy, self.client, gate=self.gate)
        except FetchError as exc:
            return [Rejected(url, str(exc))], False
        kind = _kind_for_content_type(got.content_type, got.content)
        return list(self._load_bytes(url, got.content, kind=kind, final_url=got.url)), True

    # ------------------------------------------------------------------ dispatch

    def _load_bytes(
        self,
        source: str,
        data: bytes,
        *,
        kind: str,
        final_url: str | None = None,
        polled: Polled | None = None,
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
            yield from self._load_feed(source, data, polled)
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

    def _load_feed(self, source: str, data: bytes, polled: Polled | None = None) -> Iterator[Item]:
        try:
            feed = parse_feed(data)
        except NotAFeed as exc:
            yield Rejected(source, str(exc))
            return
        if not feed.entries:
            yield Rejected(source, "the feed has no entries")
            return
        entries, cap = newest_first(feed.entries), self.policy.max_feed_entries
        if polled is not None:
            polled.feed, polled.entries = True, min(len(entries), cap)
        yield from self._feed_entries(source, Feed(feed.title, entries[:cap], feed.link), polled)
        if len(entries) > cap:
            limit = f"at most {cap} entries of a feed: BRIEFINGS_MAX_FEED_ENTRIES"
            yield Rejected(source, f"{len(entries) - cap} older entries not read ({limit})")

    def _feed_entries(self, source: str, feed: Feed, polled: Polled | None = None) -> Iterator[Item]:
        remembered = polled is not None and self.memory is not None
        known = self.memory.known(feed.entries) if remembered and self.memory is not None else []
        for i, entry in enumerate(feed.entries):
            entry_source = entry.link or (f"{source}#{entry.guid}" if entry.guid else source)
            ref = None
            if remembered and polled is not None:
                ref = self._entry_ref(source, entry, known[i], polled)
                if ref is None:
                    continue
            try:
                yield from self._feed_entry(entry_source, entry, feed, ref, source)
            except INPUT_ERRORS as exc:  # one entry's trouble is that entry's rejection
                yield Rejected(entry_source, unreadable(exc))

    def _entry_ref(
        self, source: str, entry: FeedEntry, known: Known | None, polled: Polled
    ) -> EntryRef | None:
        """The entry as remembered after this read, or None when it is not to be read: read before
        and not dated later since, or taken by another feed in this run."""
        ref = EntryRef(source, entry.guid, entry.link, entry.stamp)
        if known is not None:
            if entry.stamp is None or known.stamp is None or entry.stamp <= known.stamp:
                polled.known += 1
                return None
            ref = replace(ref, updated=True, replaces=known.article_id)
        keys = {k for k in (entry.guid, entry.link) if k}
        with self._lock:
            if keys & self._claimed:
                polled.known += 1
                return None
            self._claimed |= keys
        if ref.updated:
            polled.updated += 1
        return ref

    def _feed_entry(
        self,
        entry_source: str,
        entry: FeedEntry,
        feed: Feed,
        ref: EntryRef | None = None,
        feed_url: str | None = None,
    ) -> Iterator[Item]:
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
            loaded, fetched = self._load_page(entry.link)
            if not loaded or isinstance(loaded[0], Rejected):
                rejected = loaded[0] if loaded else Rejected(entry.link, "no article in the page")
                yield replace(rejected, entry=ref if fetched else None)  # a failed fetch is tried again
                return
            article = loaded[0].article
        else:
            yield Rejected(entry_source, "feed entry has neither full content nor a link", ref)
            return
        article = article.model_copy(
            update={
                "published": entry.published or article.published,
                "outlet": article.outlet or feed_publisher(feed.title, feed.link, entry.link, feed_url),
            }
        )
        yield _checked(entry_source, article, ref)


def _checked(source: str, article: CleanArticle, entry: EntryRef | None = None) -> Item:
    if not is_news(article.text):
        words = len(article.text.split())
        reason = f"too little text to be an article ({words} words, none saying who did what)"
        return Rejected(source, reason, entry)
    if article.published is not None and plausible(article.published) is None:
        article = article.model_copy(update={"published": None})
    return Loaded(source, article, entry)


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


def _read_capped(path: Path, limit: int) -> bytes | None:
    """A file's bytes, at most ``limit`` (None when it holds more), read without ever waiting: a
    file whose size says nothing (/proc, a device behind a name) cannot hold the ingest forever."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped for something else since it was checked
            raise BlockingIOError
        chunks: list[bytes] = []
        total = 0
        while chunk := os.read(fd, min(1 << 20, limit + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                return None
        return b"".join(chunks)
    finally:
        os.close(fd)


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
