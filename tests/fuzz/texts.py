"""Hostile text for the fuzz targets: markup, right-to-left and invisible characters, emoji,
control characters, other scripts and article-like sentences, joined by separators; and cutting a
text to a length in code points or UTF-16 units."""

from __future__ import annotations

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
