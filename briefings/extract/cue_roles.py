"""Whether a general topic word is itself what a clause is about, read from the sentence's parse.

A weak cue ("partners", "cooperation", "economic", "financial") stands for its topic only as the
head of an argument of its clause. It does not when the parse shows it is a modifier of another
word ("economic opportunities", "financial networks"; a name or demonym is specific even as a
modifier: "the Ukrainian delegation") or when its own phrase names another
topic ("cooperation on border security", "Ukraine's partners", "partners in combatting illicit
finance", "economic cooperation"): there the phrase is about the other topic. Without a parse
every cue counts, as before.
"""

from __future__ import annotations

from .document import Doc
from .parse import Parsed
from .topics import TopicHit

#: dependency labels of a word that only qualifies another one
MODIFIERS = frozenset({"amod", "compound", "nmod", "poss", "npadvmod"})


def weak_cue_counts(doc: Doc, hit: TopicHit, others: list[TopicHit]) -> bool:
    """``hit`` (a weak cue) heads an argument of its clause and its phrase names no other topic
    (``others``: the cues of other topics in the article)."""
    parsed = doc.parse_at(hit.start)
    if parsed is None:
        return True
    i = parsed.at(hit.start)
    if i is None:
        return True
    i = _last_token(parsed, i, hit.end)
    token = parsed.tokens[i]
    if token.dep in MODIFIERS and doc.clean[hit.start : hit.start + 1].islower():
        return False  # a proper name or demonym ("Ukrainian delegation") names its topic as a modifier too
    spans = [_span(parsed, j) for j in _phrase(parsed, i)]
    return not any(
        lo <= o.start and o.end <= hi and not (hit.start <= o.start < hit.end)
        for o in others
        for lo, hi in spans
    )


def _phrase(parsed: Parsed, i: int) -> list[int]:
    """The dependents of ``i`` that qualify it: not a conjunct ("trade and investment" names two
    topics, neither qualifies the other)."""
    return [j for j in parsed.children(i) if parsed.tokens[j].dep not in {"conj", "cc", "punct"}]


def _span(parsed: Parsed, j: int) -> tuple[int, int]:
    lo, hi = parsed.subtree(j)
    return parsed.tokens[lo].start, parsed.tokens[hi].end


def _last_token(parsed: Parsed, i: int, end: int) -> int:
    """The last token of a multi-word cue (its head in English noun phrases)."""
    while i + 1 < len(parsed.tokens) and parsed.tokens[i + 1].start < end:
        i += 1
    return i
