"""Hypothesis strategies for hostile input: markup, right-to-left and invisible characters, emoji,
control characters, other scripts, mixed encodings, broken pages and feeds, huge sizes.

Nothing here names a host that would need DNS: every URL is an IP literal (a private one, refused
before any request) or not http(s) at all, so a fuzz run never touches the network.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from hypothesis import strategies as st

#: markup that means something to Telegram's HTML, to Jinja2, to XML/HTML parsers or to Markdown
MARKUP = (
    "<b>",
    "</b>",
    "<i>x</i>",
    "</code>",
    "<code>",
    "<pre>",
    '<pre><code class="language-x">',
    '<a href="http://127.0.0.1/">',
    '<a href="tg://user?id=1">',
    "</a>",
    "<tg-spoiler>",
    "<blockquote expandable>",
    '<span class="tg-spoiler">',
    "<br>",
    "<script>alert(1)</script>",
    "<!--",
    "-->",
    "&amp;",
    "&lt;",
    "&gt;",
    "&quot;",
    "&#39;",
    "&nbsp;",
    "&#0;",
    "&#x0;",
    "&#xD800;",
    "&#1114112;",
    "&#x110000;",
    "&bogus;",
    "&",
    "<",
    ">",
    "<>",
    "</>",
    "<![CDATA[",
    "]]>",
    "<?xml version='1.0'?>",
    "<!DOCTYPE x [<!ENTITY e 'boom'>]>",
    "&e;",
    "{{ 7*7 }}",
    "{% raw %}",
    "*bold*",
    "_it_",
    "`code`",
    "[link](http://127.0.0.1/)",
    "\\",
    "'",
    '"',
    "%s",
    "{0}",
)
RTL = (
    "\u200f",
    "\u200e",
    "\u202e",
    "\u202d",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u061c",
    "مرحبا بالعالم",
    "وزير الخارجية",
    "שלום עולם",
    "\u202etxt.exe",
)
INVISIBLE = ("\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\u00ad", "\u180e", "\u3164", "\u034f")
EMOJI = (
    "😀",
    "👩\u200d👩\u200d👧\u200d👦",
    "🇮🇳",
    "🇨🇳",
    "👍🏽",
    "❤️",
    "🧑\u200d💻",
    "🏳️\u200d🌈",
    "\U0001f600" * 3,
    "🫠",
    "𝕳𝖊𝖑𝖑𝖔",
)
CONTROL = ("\x00", "\x01", "\x07", "\x1b[31m", "\x7f", "\x85", "\u2028", "\u2029", "\r", "\t", "\x0c", "\r\n")
SCRIPTS = (
    "中华人民共和国外交部",
    "王毅",
    "Ван И",
    "विदेश मंत्री एस जयशंकर",
    "Ελλάδα",
    "ﬁnance",
    "Ⅻ",
    "Z\u0351\u0352\u0353\u0354\u0355\u0356algo",
    "e\u0301\u0301\u0301\u0301",
    "İstanbul",
    "ß",
    "Misri",
    "MISRI",
    "wang",
    "ji",
)
#: article-like sentences, so that hostile text also reaches extraction (officials, dates, quotes)
SENTENCES = (
    "Foreign Secretary Vikram Misri met Chinese Vice Foreign Minister Sun Weidong in Beijing on Thursday.",
    "External Affairs Minister S. Jaishankar said the talks were 'candid and constructive'.",
    "Chinese Foreign Minister Wang Yi said on June 13 that both sides agreed to resume direct flights.",
    "The two sides agreed to hold the next round of border talks in New Delhi in August.",
    "Exports of rare earth magnets fell 40% to $1.2 billion in May, officials said.",
    'Spokesperson Lin Jian said: "We hope India will work with China."',
    "date 2025-06-13",
    "Published on June 13, 2025",
    "ALSO READ: something else entirely",
    "Minister <b>Evil</b> Wang said the <i>deal</i> was & remains off.",
    "Prime Minister Narendra Modi met President Xi Jinping in Kazan on October 23, 2024.",
)
SEPARATORS = ("", " ", " ", "\n", "\n\n", "\t", ". ")


def atom() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(MARKUP),
        st.sampled_from(RTL),
        st.sampled_from(INVISIBLE),
        st.sampled_from(EMOJI),
        st.sampled_from(SCRIPTS),
        st.sampled_from(SENTENCES),
        st.text(max_size=12),
    )


def hostile_text(*, max_atoms: int = 30, control: bool = True) -> st.SearchStrategy[str]:
    """Text of hostile atoms (and random unicode) with separators; with ``control`` also C0/C1
    control characters and NULs (what a file can hold, but a Telegram client never sends)."""
    pieces = st.one_of(*[atom()] * 19, st.sampled_from(CONTROL)) if control else atom()
    parts = st.lists(st.tuples(pieces, st.sampled_from(SEPARATORS)), max_size=max_atoms)
    return parts.map(lambda ps: "".join(a + s for a, s in ps))


def repeated(text: str, length: int) -> str:
    """``text`` repeated (or cut) to ``length`` code points."""
    unit = text or "x"
    return (unit * (length // len(unit) + 1))[:length]


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def fit_utf16(text: str, limit: int) -> str:
    """The longest prefix of ``text`` within ``limit`` UTF-16 code units."""
    if utf16_len(text) <= limit:
        return text
    out, used = [], 0
    for ch in text:
        width = 2 if ord(ch) > 0xFFFF else 1
        if used + width > limit:
            break
        out.append(ch)
        used += width
    return "".join(out)


# --------------------------------------------------------------------------- ingestion inputs

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


# --------------------------------------------------------------------------- inputs: URLs and paths

#: hosts no request may reach: loopback and private (refused by the guard before any connection),
#: reserved names that cannot resolve, and malformed forms that must be refused when parsed
HOSTS = (
    "127.0.0.1",
    "[::1]",
    "[::ffff:127.0.0.1]",
    "10.0.0.1",
    "169.254.169.254",
    "localhost",
    "0x7f000001",
    "2130706433",
    "[::1",
    "a..b",
    ".invalid",
    "xn--",
    "xn--zz-invalid.invalid",
    "bücher.invalid",
    "例え.invalid",
    "-bad-.invalid",
    "a" * 70 + ".invalid",
    "",
    " ",
    "user:pass@127.0.0.1",
    "127.0.0.1:0",
    "127.0.0.1:99999",
    "127.0.0.1:-1",
    "127.0.0.1:port",
)
SCHEMES = (
    "http://",
    "https://",
    "HTTP://",
    "hTtPs://",
    "ftp://",
    "file://",
    "javascript:",
    "data:",
    "//",
    "",
)


@st.composite
def hostile_url(draw: st.DrawFn) -> str:
    """A URL that must be refused (or fail) in one line: bad schemes, brackets, ports, IDNA, private
    and reserved hosts, control characters, very long paths."""
    scheme = draw(st.sampled_from(SCHEMES))
    host = draw(st.sampled_from(HOSTS))
    path = draw(
        st.sampled_from(["", "/", "/a b", "/%zz", "/%00", "/\t/x", "/?q=<b>&x=1#f", "/" + "p" * 3000, "/ü/é"])
    )
    noise = draw(st.sampled_from(["", " ", "\n", "\x00", "\u202e", "]", "[", "@", "\\"]))
    url = scheme + host + path + noise
    if not url.strip().strip("/\\").strip() or url.lstrip().startswith("/"):
        url = "http://127.0.0.1" + path + noise  # not a folder of this machine (the root would be walked)
    return url


@st.composite
def hostile_path(draw: st.DrawFn) -> str:
    """A local path that must be refused in one line: unknown users, names too long, missing
    folders, odd characters (a NUL cannot be passed on a command line, so none here). Never an
    existing folder: a name of spaces is stripped, and "../../ " would walk the whole machine."""
    name = draw(
        st.sampled_from(["x.txt", "a" * 300 + ".txt", "\u202eevil.txt", "new\nline.txt", "tab\tname", " x "])
    )
    base = draw(
        st.sampled_from(
            [
                "~nosuchuser9/",
                "~/no-such-dir-9/",
                "/nonexistent/dir/",
                "./missing/",
                "",
                "../" * 40 + "no-such-dir-9/",
                "/proc/no-such-9/",
            ]
        )
    )
    return base + name


def fuzz_inputs(max_inputs: int = 6) -> st.SearchStrategy[list[str]]:
    """A batch of hostile inputs (URLs and paths) to ingest beside a good file."""
    return st.lists(st.one_of(hostile_url(), hostile_path()), min_size=1, max_size=max_inputs)
