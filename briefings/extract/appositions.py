"""Appositive titles that hold a second name, settled by the dependency parse.

"Jan Roe, Head of Cabinet of Foreign Minister Ana Vell, said ...": read from the surface, the title
runs up to the name after it, so Vell gets "Head of Cabinet of Foreign Minister" and Roe nothing.
When a title phrase opens right after "<Name>, " the sentence is parsed; if the phrase is an
apposition of that name (its head is ``appos`` to a word of the name) and the name after hangs from
it through a preposition behind a title of its own ("of Foreign Minister Ana Vell"; not a list
item: "A, Ambassador to Ruritania B, and ..."), the name before the comma holds the whole phrase,
and the name inside keeps only the title of its own noun phrase.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .document import Doc
from .lexicon import Lexicon
from .mentions import Mention
from .names import read_name_backward
from .parse import Parsed

_COMMA_END_RE = re.compile(r",\s*$")


def reassign_appositions(doc: Doc, lex: Lexicon, mentions: list[Mention]) -> list[Mention]:
    out: list[Mention] = []
    for m in mentions:
        holder = _appositive_holder(doc, lex, m)
        own = _own_title(doc, lex, m) if holder is not None else None
        if holder is None or own is None or own.start <= m.start:
            out.append(m)  # no second title before the inner name: one title, one holder
            continue
        out += [holder, own]
    return out


def _appositive_holder(doc: Doc, lex: Lexicon, m: Mention) -> Mention | None:
    """The mention of the name before the comma, when ``m``'s title is its apposition."""
    if m.copula or m.name.start <= m.start or m.start < 2:
        return None
    sentence = doc.sentence_of(m.start)
    if sentence is None or not _COMMA_END_RE.search(doc.clean, sentence.start, m.start):
        return None
    comma = doc.clean.rindex(",", sentence.start, m.start)
    before = read_name_backward(doc.clean, comma, lex.names)
    if before is None or len(before.tokens) < 2:
        return None
    parsed = doc.parse_at(m.start)
    if parsed is None:
        return None
    inner = parsed.at(m.name.end - 1)
    heads = [
        i
        for i, t in enumerate(parsed.tokens)
        if m.start <= t.start < m.name.start
        and t.dep == "appos"
        and before.start <= parsed.tokens[t.head].start < before.end
    ]
    if inner is None or not heads or not _inside_post(parsed, inner, heads[0]):
        return None
    phrase = doc.clean[m.start : m.name.end].strip()
    return replace(m, name=before, title=phrase, phrase=phrase, end=m.name.end, tentative=False)


def _inside_post(parsed: Parsed, inner: int, head: int) -> bool:
    """The inner name hangs from the appositive's head through a preposition ("Head of Cabinet of
    ... Vell"), so it is part of the title, not the next item of a list ("A, Ambassador B")."""
    path = [inner, *parsed.ancestors(inner)]
    if head not in path:
        return False
    return any(parsed.tokens[i].dep == "pobj" for i in path[: path.index(head)])


def _own_title(doc: Doc, lex: Lexicon, m: Mention) -> Mention | None:
    """The title in the inner name's own noun phrase ("... of Foreign Minister Ana Vell")."""
    parsed = doc.parse_at(m.name.start)
    head = parsed.at(m.name.end - 1) if parsed is not None else None
    if parsed is None or head is None:
        return None
    lo, _ = parsed.noun_phrase(head)
    start = max(parsed.tokens[lo].start, m.start)
    found = None
    for t in lex.titles.pattern.finditer(doc.clean, start, m.name.start):
        found = t
    if found is None:
        return None
    lead = doc.clean[start : m.name.start].strip()
    lead = re.sub(r"^(?:the|of|for|to)\s+", "", lead)
    if not lead:
        return None
    return replace(
        m,
        title=lead,
        core=re.sub(r"\s+", " ", found.group().lower()),
        weak=found.group().lower() in lex.titles.weak,
        phrase=lead,
        start=m.name.start - len(lead),
    )
