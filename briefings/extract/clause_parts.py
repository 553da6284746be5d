"""The subject of an agreeing verb, read from the sentence's parse.

An affirmation in news copy is an agreement when two or more parties make it. The surface rule
knows plural subjects ("the two leaders", "both sides"); the parse adds subjects that join parties
("A and B launched", "the Government of X and the co-leads of Y launched", "the United States and
Japan will"), a verb that shares the subject of the verb it is joined to ("A and B met and
launched"), and a passive subject whose agent joins parties. The parties are the states named in
that subject. Without a parse nothing is added.
"""

from __future__ import annotations

from dataclasses import dataclass

from .document import Doc
from .parse import SUBJECTS, Parsed


@dataclass(frozen=True, slots=True)
class Subject:
    start: int  # article offsets of the subject phrase
    end: int
    joint: bool  # two or more parties joined by a conjunction


def verb_subject(doc: Doc, verb_start: int) -> Subject | None:
    """The subject of the verb at ``verb_start`` (its own, or that of the verb it is a conjunct
    of), or None without a parse or subject."""
    parsed = doc.parse_at(verb_start)
    if parsed is None:
        return None
    i = parsed.at(verb_start)
    if i is None:
        return None
    for verb in [i, *_conjunct_heads(parsed, i)]:
        subject = next((j for j in parsed.children(verb) if parsed.tokens[j].dep in SUBJECTS), None)
        if subject is not None:
            lo, hi = parsed.subtree(subject)
            return Subject(parsed.tokens[lo].start, parsed.tokens[hi].end, _joins_parties(parsed, subject))
    return None


def _conjunct_heads(parsed: Parsed, i: int) -> list[int]:
    """The verbs ``i`` is joined to by "and" ("met and launched"; an auxiliary's verb first)."""
    out: list[int] = []
    while parsed.tokens[i].dep in {"conj", "aux", "xcomp"} and parsed.tokens[i].head != i:
        i = parsed.tokens[i].head
        out.append(i)
    return out


def _joins_parties(parsed: Parsed, subject: int) -> bool:
    return any(parsed.tokens[j].dep == "conj" for j in parsed.children(subject))


def joint_subject(doc: Doc, verb_start: int) -> bool:
    """The verb's subject joins two or more states ("Japan and the United States"; two bodies of
    one state, "the Chinese ministry of commerce and the customs administration", are one party)."""
    return len(subject_parties(doc, verb_start) or []) >= 2


def subject_parties(doc: Doc, verb_start: int) -> list[str] | None:
    """The states named in a joint subject of the verb ("Japan and the United States"), or None."""
    subject = verb_subject(doc, verb_start)
    if subject is None or not subject.joint:
        return None
    found = [p.country for p in doc.places if subject.start <= p.start < subject.end]
    return list(dict.fromkeys(found)) or None


_PASSIVE_BEFORE = frozenset(
    {"was", "were", "been", "be", "is", "are", "being", "also", "jointly", "formally"}
)


def passive_object(doc: Doc, verb_start: int, sentence_start: int) -> tuple[int, int] | None:
    """What a passive or participle verb says was agreed: its passive subject ("a Task Force was
    launched") or the noun it modifies ("a Task Force, also launched today, on X"), up to the verb's
    own clause. Parsed only when the word before the verb reads passive ("was", "also", a comma)."""
    before = doc.clean[max(sentence_start, verb_start - 12) : verb_start].split()
    if not before or not (before[-1].lower() in _PASSIVE_BEFORE or before[-1].endswith(",")):
        return None
    parsed = doc.parse_at(verb_start)
    i = parsed.at(verb_start) if parsed is not None else None
    if parsed is None or i is None:
        return None
    if any(parsed.tokens[j].dep in ("nsubj", "csubj") for j in parsed.children(i)):
        return None  # an active verb with its own subject ("operators in X, the town on Y, welcomed")
    if parsed.tokens[i].dep == "acl":
        noun = parsed.tokens[i].head
        lo, _ = parsed.subtree(noun)
        clause_lo, _ = parsed.subtree(i)
        end = parsed.tokens[clause_lo - 1].end if clause_lo > lo else parsed.tokens[noun].end
        return parsed.tokens[lo].start, end if end > parsed.tokens[lo].start else parsed.tokens[noun].end
    subject = next((j for j in parsed.children(i) if parsed.tokens[j].dep == "nsubjpass"), None)
    if subject is not None:
        lo, hi = parsed.subtree(subject)
        return parsed.tokens[lo].start, parsed.tokens[hi].end
    return _before_comma(parsed, i)


def _before_comma(parsed: Parsed, i: int) -> tuple[int, int] | None:
    """ "N, also launched today, ...": a participle set off by a comma right after a noun phrase
    modifies that noun, whatever label the parser gave it."""
    j = i - 1
    while j >= 0 and parsed.tokens[j].dep == "advmod":
        j -= 1
    if j < 1 or parsed.tokens[j].text != ",":
        return None
    noun = j - 1
    if parsed.tokens[noun].dep not in {"pobj", "dobj", "nsubj", "nsubjpass", "appos", "conj", "attr"}:
        return None
    lo, hi = parsed.noun_phrase(noun)
    return parsed.tokens[lo].start, parsed.tokens[hi].end
