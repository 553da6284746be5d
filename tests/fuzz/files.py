"""Hostile input files for the ingestion fuzz target: plain articles, pages, RSS and Atom feeds and
tag soup, in mixed encodings, mutated, behind magic numbers of other formats, or around the size cap.

No feed link names a host that would need DNS: each is a private IP literal (refused before any
request) or not http(s) at all, so a fuzz run never touches the network.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from hypothesis import strategies as st

from tests.fuzz.texts import SENTENCES, hostile_text

CODECS = (
    "utf-8",
    "utf-8-sig",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "latin-1",
    "cp1252",
    "gb18030",
    "shift_jis",
    "koi8-r",
    "utf-32",
    "utf-7",
)
SUFFIXES = (
    ".txt",
    ".html",
    ".htm",
    ".xml",
    ".rss",
    ".atom",
    "",
    ".md",
    ".csv",
    ".HTML",
    ".bin",
    ".pdf",
    ".json",
)
STEMS = (
    "a",
    "article",
    "ra\u202etxt.exe",
    "😀",
    "ساعة",
    "<b>x<\\b>",
    "&amp;",
    "name with spaces",
    "..",
    "-rf",
    "x" * 120,
    "\u200b",
    "%00",
    "$(id)",
)
#: feed links: none, private IP literals (refused before any request), other schemes, garbage
LINKS = (
    "",
    "http://127.0.0.1:9/a",
    "http://[::1]/x",
    "http://10.0.0.1/y?q=<b>",
    "https://192.168.1.1/&amp;",
    "javascript:alert(1)",
    "ftp://127.0.0.1/file",
    "file:///etc/passwd",
    "/relative/path",
    "data:text/html,<b>x</b>",
    "http://user:secret@127.0.0.1/",
)
DATES = (
    "",
    "2025-06-13",
    "Fri, 13 Jun 2025 10:00:00 GMT",
    "2025-06-13T10:00:00+05:30",
    "0000-00-00",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "Mon, 31 Dec 9999 23:59:59 +2400",
    "2025-02-30",
    "Thu, 01 Jan 1970 00:00:00 GMT",
    "-1",
    "yesterday",
    "13/06/2025",
    "June 13, 2025",
)
MAGIC = (
    b"\x1f\x8b",
    b"%PDF-1.7\n",
    b"MZ",
    b"PK\x03\x04",
    b"\x89PNG\r\n\x1a\n",
    b"SQLite format 3\x00",
    b"{\\rtf1",
)


@dataclass(frozen=True)
class FuzzFile:
    """One input file: its name (stem and suffix) and bytes."""

    name: str
    data: bytes

    def __repr__(self) -> str:
        head = self.data[:60]
        return f"FuzzFile({self.name!r}, {len(self.data)} bytes, {head!r}...)"


def _encode(text: str, codec: str) -> bytes:
    return text.encode(codec, errors="replace")


def _article(draw: st.DrawFn) -> str:
    """A plain-text article: hostile text, often around real sentences so that extraction has work."""
    body = draw(hostile_text())
    if draw(st.integers(0, 3)):  # mostly around real sentences
        sentences = draw(st.lists(st.sampled_from(SENTENCES), min_size=3, max_size=12))
        fillers = draw(st.lists(hostile_text(max_atoms=4), min_size=len(sentences), max_size=len(sentences)))
        body = " ".join(s + f for s, f in zip(sentences, fillers, strict=True)) + "\n\n" + body
    return body


def _maybe_escaped(draw: st.DrawFn, text: str) -> str:
    return html.escape(text) if draw(st.booleans()) else text


def _page(draw: st.DrawFn) -> str:
    title = draw(hostile_text(max_atoms=4))
    paragraphs = [_maybe_escaped(draw, p) for p in _article(draw).split("\n\n")]
    site = _maybe_escaped(draw, draw(hostile_text(max_atoms=3)))
    date = draw(st.sampled_from(DATES))
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    if draw(st.booleans()):  # unclosed and misnested tags
        body = body.replace("</p>", "", draw(st.integers(0, 5)))
    return (
        f"<!doctype html><html><head><title>{_maybe_escaped(draw, title)}</title>"
        f'<meta property="og:site_name" content="{site}">'
        f'<meta name="date" content="{date}"></head>'
        f"<body><article><h1>{_maybe_escaped(draw, title)}</h1>{body}</article></body></html>"
    )


def _rss(draw: st.DrawFn) -> str:
    items = []
    for _ in range(draw(st.integers(0, 3))):
        content = draw(st.sampled_from(["cdata", "escaped", "raw", "none"]))
        story = "".join(f"<p>{p}</p>" for p in _article(draw).split("\n\n"))
        if content == "cdata":
            encoded = f"<content:encoded><![CDATA[{story}]]></content:encoded>"
        elif content == "escaped":
            encoded = f"<content:encoded>{html.escape(story)}</content:encoded>"
        elif content == "raw":
            encoded = f"<content:encoded>{story}</content:encoded>"
        else:
            encoded = ""
        link = draw(st.sampled_from(LINKS))
        items.append(
            f"<item><title>{_maybe_escaped(draw, draw(hostile_text(max_atoms=4)))}</title>"
            f"<link>{html.escape(link)}</link>"
            f"<guid>{_maybe_escaped(draw, draw(hostile_text(max_atoms=3)))}</guid>"
            f"<pubDate>{draw(st.sampled_from(DATES))}</pubDate>"
            f"<description>{_maybe_escaped(draw, draw(hostile_text(max_atoms=6)))}</description>"
            f"{encoded}</item>"
        )
    title = _maybe_escaped(draw, draw(hostile_text(max_atoms=4)))
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{title}</title>{''.join(items)}</channel></rss>"
    )


def _atom(draw: st.DrawFn) -> str:
    entries = []
    for _ in range(draw(st.integers(0, 3))):
        story = "".join(f"<p>{p}</p>" for p in _article(draw).split("\n\n"))
        link = draw(st.sampled_from(LINKS))
        kind = draw(st.sampled_from(["html", "xhtml", "text"]))
        content = (
            f'<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">{story}</div></content>'
            if kind == "xhtml"
            else f'<content type="{kind}">{html.escape(story)}</content>'
        )
        entries.append(
            f"<entry><title>{_maybe_escaped(draw, draw(hostile_text(max_atoms=4)))}</title>"
            f'<link href="{html.escape(link)}"/>'
            f"<id>{_maybe_escaped(draw, draw(hostile_text(max_atoms=3)))}</id>"
            f"<updated>{draw(st.sampled_from(DATES))}</updated>{content}</entry>"
        )
    title = _maybe_escaped(draw, draw(hostile_text(max_atoms=4)))
    return f'<feed xmlns="http://www.w3.org/2005/Atom"><title>{title}</title>{"".join(entries)}</feed>'


def _tag_soup(draw: st.DrawFn) -> str:
    tags = ("<rss>", "<item>", "<feed>", "<entry>", "<html>", "<body>", "<?xml", "<![CDATA[", "<p>", "</")
    parts = draw(st.lists(st.one_of(st.sampled_from(tags), hostile_text(max_atoms=3)), max_size=30))
    return "".join(parts)


@st.composite
def document(draw: st.DrawFn) -> str:
    """The text of one input: a plain article, a page, an RSS or Atom feed, or tag soup."""
    kind = draw(st.sampled_from(["text", "text", "html", "rss", "atom", "soup"]))
    if kind == "html":
        return _page(draw)
    if kind == "rss":
        return _rss(draw)
    if kind == "atom":
        return _atom(draw)
    if kind == "soup":
        return _tag_soup(draw)
    return _article(draw)


@st.composite
def file_bytes(draw: st.DrawFn, *, max_bytes: int) -> bytes:
    """Bytes of one input, around the size cap ``max_bytes`` at most a little over it."""
    how = draw(st.sampled_from(["encoded"] * 8 + ["mixed", "binary", "mutated", "mutated", "magic", "huge"]))
    if how == "binary":
        return draw(st.binary(max_size=4096))
    text = draw(document())
    if how == "mixed":
        halves = draw(st.lists(st.tuples(document(), st.sampled_from(CODECS)), min_size=2, max_size=4))
        return b"".join(_encode(t, c) for t, c in halves)
    data = _encode(text, draw(st.sampled_from(("utf-8",) * 8 + CODECS)))
    if how == "mutated" and data:
        at = draw(st.integers(0, len(data)))
        noise = draw(st.binary(max_size=16))
        data = data[:at] + noise + data[at + draw(st.integers(0, 8)) :]
        if draw(st.booleans()):
            data = data[: draw(st.integers(0, len(data)))]
    elif how == "magic":
        data = draw(st.sampled_from(MAGIC)) + data
    elif how == "huge":
        target = draw(st.sampled_from([max_bytes // 4, max_bytes - 1, max_bytes, max_bytes + 1]))
        codec = draw(st.sampled_from(("utf-8", "utf-16", "latin-1")))
        unit = _encode(text or "x", codec)
        data = (unit * (target // max(1, len(unit)) + 1))[:target]
    return data


@st.composite
def fuzz_file(draw: st.DrawFn, *, max_bytes: int) -> FuzzFile:
    name = draw(st.sampled_from(STEMS)) + draw(st.sampled_from((".txt",) * 5 + (".html",) * 2 + SUFFIXES))
    return FuzzFile(name=name, data=draw(file_bytes(max_bytes=max_bytes)))


@st.composite
def _files(draw: st.DrawFn, *, max_bytes: int, max_files: int) -> list[FuzzFile]:
    files = draw(st.lists(fuzz_file(max_bytes=max_bytes), min_size=1, max_size=max_files))
    if draw(st.integers(0, 3)) == 0:  # the same story again under another name: stored once, two sources
        first = files[0]
        tail = draw(st.sampled_from([b"", b"\n", b"  \n\n"]))
        files.append(FuzzFile(f"again-{first.name}", first.data + tail))
    return files


def fuzz_files(*, max_bytes: int, max_files: int = 4) -> st.SearchStrategy[list[FuzzFile]]:
    return _files(max_bytes=max_bytes, max_files=max_files)
