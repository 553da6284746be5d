"""Plain-text helpers: phrase patterns, sentence splitting, blanking, small word tests.

Everything here is a pure function over strings; offsets always refer to the article's text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

APOSTROPHES = "'’"
POSSESSIVE_RE = re.compile(r"['’]s?$")

_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "gen",
        "sen",
        "rep",
        "lt",
        "col",
        "maj",
        "capt",
        "prof",
        "gov",
        "jr",
        "sr",
        "no",
        "vs",
        "etc",
        "inc",
        "ltd",
        "co",
        "corp",
        "dept",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "est",
        "approx",
        "fig",
        "e.g",
        "i.e",
        "u.s",
        "u.k",
        "u.n",
        "a.m",
        "p.m",
    ]
)
_BOUNDARY_RE = re.compile(r"[.!?]+['\"’”)]*(?=\s+['\"‘“(]?[A-Z0-9])|\n\s*")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: ``[start, end)`` offsets into the article text."""

    start: int
    end: int
    index: int


def phrase_body(phrase: str) -> str:
    """The regex of a taxonomy/cue phrase, without word boundaries (rules in ``data/topics.toml``)."""
    words = [w for w in re.split(r"[\s\-–]+", phrase.strip()) if w]
    parts: list[str] = []
    for i, word in enumerate(words):
        star = word.endswith("*")
        core = re.escape(word.rstrip("*"))
        if star:
            core += r"\w*"
        elif i == len(words) - 1 and word[-1:].isalpha():
            core += r"(?:s|es)?"
        parts.append(core)
    body = r"[\s\-–]+".join(parts)
    if phrase.strip("* ").isupper() and len(phrase.strip("* ")) > 1:
        body = f"(?-i:{body})"
    return body


def bounded(alternation: str) -> str:
    """Word boundaries once around an alternation (checking them first keeps big alternations fast)."""
    return rf"(?<![\w-])(?:{alternation})(?!\w)"


def compile_phrases(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive alternation over phrases, longest first; None when empty."""
    items = sorted({p for p in phrases if p.strip()}, key=len, reverse=True)
    if not items:
        return None
    return re.compile(bounded("|".join(phrase_body(p) for p in items)), re.IGNORECASE)


_Trie = dict[str, "_Trie"]


def trie_regex(phrases: Iterable[str], space: str = r"\s+", fold: bool = True) -> str:
    """One alternation for many phrases, factored by common prefixes so the regex engine does not
    try every phrase at every position. Matches like the longest-first alternation of the phrases;
    a space in a phrase matches ``space``. ``fold``: keys are lowercased (for IGNORECASE patterns)."""
    trie: _Trie = {}
    for phrase in phrases:
        node = trie
        for ch in phrase.lower() if fold else phrase:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: _Trie) -> str:
        ends = "" in node
        branches = [
            (space if ch == " " else re.escape(ch)) + emit(child) for ch, child in sorted(node.items()) if ch
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?"
        return body

    return "(?:" + emit(trie) + ")"


def words_regex(words: Iterable[str], *, ignore_case: bool = True) -> re.Pattern[str]:
    """Whole-word alternation (longest first) over literal words or multi-word phrases."""
    items = sorted({w for w in words if w}, key=len, reverse=True)
    body = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in items)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w])", re.IGNORECASE if ignore_case else 0)


def split_sentences(text: str) -> list[Sentence]:
    """Split on sentence punctuation before a capital and on line breaks, sparing abbreviations."""
    out: list[Sentence] = []
    start = 0
    for m in _BOUNDARY_RE.finditer(text):
        if m.group().startswith(".") and _is_abbreviation(text, m.start()):
            continue
        _append_sentence(out, text, start, m.end())
        start = m.end()
    _append_sentence(out, text, start, len(text))
    return out


def _is_abbreviation(text: str, dot: int) -> bool:
    m = re.search(r"([A-Za-z.]+)$", text[max(0, dot - 12) : dot])
    if not m:
        return False
    word = m.group(1).lower().strip(".")
    if len(word) == 1:  # an initial: "S. Rao"
        return True
    if word not in _ABBREVIATIONS and re.fullmatch(r"[a-z](?:\.[a-z])+", word):
        # initials after a given name ("Scott K.H. Bessent")
        before = re.search(r"(\S+)\s+\S+$", text[max(0, dot - 40) : dot])
        return bool(before and re.fullmatch(r"[A-Z][a-z]+", before.group(1)))
    return word in _ABBREVIATIONS


#: a "sentence" longer than this is cut at a space: text without sentence punctuation (a scraped
#: table, glued paragraphs, garbage) is no sentence, and the rules that look through a sentence for
#: every mention in it would take time that grows with the square of its length
MAX_SENTENCE = 1500


def _append_sentence(out: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > MAX_SENTENCE:
        cut = text.rfind(" ", start + MAX_SENTENCE // 2, start + MAX_SENTENCE)
        cut = cut if cut > start else start + MAX_SENTENCE
        _append_sentence(out, text, start, cut)
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        out.append(Sentence(start, end, len(out)))


def blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Replace each span by spaces (newlines kept), so offsets stay valid."""
    chars = list(text)
    for start, end in spans:
        for i in range(max(0, start), min(len(chars), end)):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def sentence_at(sentences: Sequence[Sentence], pos: int) -> Sentence | None:
    """The sentence containing offset ``pos`` (binary search)."""
    lo, hi = 0, len(sentences) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        s = sentences[mid]
        if pos < s.start:
            hi = mid - 1
        elif pos >= s.end:
            lo = mid + 1
        else:
            return s
    return None


def strip_possessive(word: str) -> str:
    return POSSESSIVE_RE.sub("", word) if len(word) > 2 else word


def squash(text: str) -> str:
    """Collapse whitespace and drop quotation marks, for one-line fact texts."""
    text = re.sub(r"[\"“”‘]|(?<![A-Za-z])['’]|['’](?![A-Za-z])", "", text)
    return re.sub(r"\s+", " ", text).strip(" ,;:-")


def is_capitalised(word: str) -> bool:
    return bool(word) and word[0].isupper()
