"""Reading a person's name next to a title, and telling whether two name forms are one person."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import NameRules

_TOKEN_RE = re.compile(r"[^\s,;:()\[\]\"“”‘/]+")
_INITIAL_RE = re.compile(r"^[A-Z]\.?$|^[A-Z]\.[A-Z]\.?$")
_ROMAN_RE = re.compile(r"^(?:I{1,3}|IV|VI{0,3}|IX|X)$")
_ALLCAPS_GIVEN_RE = re.compile(r"^[A-Z]{2,3}$")  # "JD Vance"
MAX_NAME_TOKENS = 4


@dataclass(frozen=True, slots=True)
class NameSpan:
    start: int
    end: int
    text: str

    @property
    def tokens(self) -> list[str]:
        return self.text.split()


def _clean_token(token: str) -> tuple[str, bool]:
    """The token without a possessive or trailing punctuation, and whether the name must end here."""
    ends = False
    if re.search(r"['’]s?$", token) and len(token) > 2 and not _INITIAL_RE.match(token):
        token = re.sub(r"['’]s?$", "", token)
        ends = True
    if token.endswith(".") and not _INITIAL_RE.match(token) and token.rstrip(".") not in {"Jr", "Sr"}:
        token = token.rstrip(".")
        ends = True
    return token.rstrip("!?"), ends


def _is_name_word(token: str, rules: NameRules) -> bool:
    if not token or token in rules.stop or token in rules.honorifics:
        return False
    if _INITIAL_RE.match(token):
        return True
    head, hyphen, rest = token.partition("-")
    if hyphen and head in rules.particles and rest[:1].isupper():  # "el-Sisi", "al-Sudani"
        return _is_name_word(rest, rules)
    if not token[0].isupper():
        return False
    letters = [c for c in token if c.isalpha()]
    if not letters:
        return False
    if token.isupper() and not _ALLCAPS_GIVEN_RE.match(token):
        return False
    return all(c.isalpha() or c in "-'’." for c in token)


def read_name_forward(text: str, pos: int, rules: NameRules, limit: int | None = None) -> NameSpan | None:
    """The name starting at ``pos`` (after spaces and honorifics), or None."""
    end_limit = len(text) if limit is None else limit
    tokens: list[tuple[int, int, str]] = []
    cursor = pos
    while _core_count(tokens, rules) < MAX_NAME_TOKENS + 1:
        m = _TOKEN_RE.match(text, _skip_spaces(text, cursor, end_limit))
        if not m or m.start() >= end_limit or "\n" in text[cursor : m.start()]:
            break
        word, ends = _clean_token(m.group())
        if not tokens and word in rules.honorifics:
            cursor = m.end()
            continue
        if not _accept(word, tokens, rules, text, m.end()):
            break
        tokens.append((m.start(), m.start() + len(word), word))
        cursor = m.end()
        if ends or _followed_by_break(text, m.end()):
            suffix = _COMMA_SUFFIX_RE.match(text, m.end(), end_limit) if not ends else None
            if suffix and suffix.group("s") in rules.suffixes:  # "Ferdinand R. Marcos, Jr."
                tokens.append((suffix.start("s"), suffix.end("s"), suffix.group("s")))
            break
    return _finish(tokens, rules)


_COMMA_SUFFIX_RE = re.compile(r",\s?(?P<s>[JS]r\.?)(?![\w])")


def _accept(word: str, tokens: list[tuple[int, int, str]], rules: NameRules, text: str, after: int) -> bool:
    if word in rules.particles:
        # a particle needs a capitalised word after it, possibly past more particles ("von der Leyen")
        nxt = _TOKEN_RE.match(text, _skip_spaces(text, after, len(text)))
        while nxt is not None and _clean_token(nxt.group())[0] in rules.particles:
            nxt = _TOKEN_RE.match(text, _skip_spaces(text, nxt.end(), len(text)))
        return bool(tokens) and nxt is not None and nxt.group()[:1].isupper()
    if tokens and (word in rules.suffixes or _ROMAN_RE.match(word)):
        return True
    if not tokens and word in rules.openers:  # "Sri Mulyani", not "Sri Lanka"
        nxt = _TOKEN_RE.match(text, _skip_spaces(text, after, len(text)))
        return nxt is not None and _is_name_word(_clean_token(nxt.group())[0], rules)
    if not tokens and word in rules.chinese_surnames and word in rules.stop:  # "He Lifeng", not "He said"
        nxt = _TOKEN_RE.match(text, _skip_spaces(text, after, len(text)))
        return nxt is not None and _is_name_word(_clean_token(nxt.group())[0], rules)
    if _ALLCAPS_GIVEN_RE.match(word) and not tokens:
        nxt = _TOKEN_RE.match(text, _skip_spaces(text, after, len(text)))
        return bool(nxt) and nxt is not None and nxt.group()[:1].isupper() and not nxt.group().isupper()
    return _is_name_word(word, rules)


def _followed_by_break(text: str, end: int) -> bool:
    return end < len(text) and text[end] in ',;:()[]"“”/\n'


def _skip_spaces(text: str, pos: int, limit: int) -> int:
    while pos < limit and text[pos] in " \t":
        pos += 1
    return pos


def _finish(tokens: list[tuple[int, int, str]], rules: NameRules) -> NameSpan | None:
    while tokens and (tokens[-1][2] in rules.particles):
        tokens.pop()
    if not tokens or _core_count(tokens, rules) > MAX_NAME_TOKENS:
        return None
    if all(_INITIAL_RE.match(t[2]) for t in tokens):
        return None
    text = " ".join(t[2] for t in tokens)
    return NameSpan(tokens[0][0], tokens[-1][1], text)


def _core_count(tokens: list[tuple[int, int, str]], rules: NameRules) -> int:
    """Name words that count towards the length limit: not suffixes, nor particles after the first
    word in either case ("Tamim bin Hamad Al Thani", "Tamim Bin Hamad Al-Thani", "von der")."""
    return sum(
        1
        for i, t in enumerate(tokens)
        if t[2] not in rules.suffixes and not (i and t[2].lower() in rules.particles)
    )


def read_name_backward(text: str, end: int, rules: NameRules) -> NameSpan | None:
    """The name that ends at ``end`` (before spaces), reading capitalised words leftwards."""
    words = list(_TOKEN_RE.finditer(text, max(0, end - 80), end))
    picked: list[tuple[int, int, str]] = []
    for m in reversed(words):
        gap = text[m.end() : picked[0][0] if picked else end]
        if gap.strip() or "\n" in gap:
            break
        raw = m.group()
        if raw.endswith(".") and not _INITIAL_RE.match(raw) and raw.rstrip(".") not in rules.suffixes:
            break  # "Ken. Park Ji-won": a full stop ends the previous sentence
        word, _ = _clean_token(raw)
        if len(picked) == 1 and word in rules.chinese_surnames and word in rules.stop:
            # "He Lifeng": a surname that is also a common word, before a given name of pinyin syllables
            if looks_chinese(f"{word} {picked[0][2]}", rules):
                picked.insert(0, (m.start(), m.start() + len(word), word))
            break
        if not (
            _is_name_word(word, rules)
            or (picked and word in rules.particles)
            or (picked and _ALLCAPS_GIVEN_RE.match(word))
        ):
            break
        picked.insert(0, (m.start(), m.start() + len(word), word))
        if len(picked) >= MAX_NAME_TOKENS:
            break
    return _finish(picked, rules)


# --------------------------------------------------------------------------- comparing names


_SUFFIX_KEYS = frozenset({"jr", "sr", "ii", "iii", "iv"})


def name_key(name: str) -> tuple[str, ...]:
    """Lowercased tokens without a generational suffix ("Lloyd J. Austin III" ~ "Austin")."""
    key = tuple(t.lower().strip(".,") for t in name.split())
    return tuple(t for t in key if t not in _SUFFIX_KEYS) or key


def same_person(short: str, full: str) -> bool:
    """``short`` names the same person as ``full``: equal, a surname or given-name token of it,
    or an initial form ("N. Rao" ~ "Nirupama Rao")."""
    a, b = name_key(short), name_key(full)
    if not a or not b:
        return False
    if a == b:
        return True
    if len(a) == 1:
        return a[0] in (b[0], b[-1]) and len(b) > 1
    if len(a) == len(b) and a[1:] == b[1:] and a[0][:1] == b[0][:1] and min(len(a[0]), len(b[0])) == 1:
        return True
    return len(a) < len(b) and (a == b[-len(a) :] or a == b[: len(a)])


def fullness(name: str) -> tuple[int, int]:
    """Sort key for the fullest form: more tokens, then fewer initials, then length."""
    tokens = name.split()
    initials = sum(1 for t in tokens if _INITIAL_RE.match(t))
    return (len(tokens) - initials, len(name))


def looks_chinese(name: str, rules: NameRules) -> bool:
    """Surname first, then a given name that splits into pinyin syllables ("Surname Givenname")."""
    tokens = name.split()
    if len(tokens) != 2 or tokens[0] not in rules.chinese_surnames or "-" in tokens[1]:
        return False
    return _pinyin_split(tokens[1].lower(), rules.pinyin, 3)


def _pinyin_split(word: str, syllables: frozenset[str], budget: int) -> bool:
    if not word:
        return True
    if budget == 0:
        return False
    return any(
        word[:n] in syllables and _pinyin_split(word[n:], syllables, budget - 1)
        for n in range(min(6, len(word)), 0, -1)
    )
