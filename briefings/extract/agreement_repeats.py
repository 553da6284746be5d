"""Agreement lines that repeat one another: one line per thing agreed in an article."""

from __future__ import annotations

import re

from ..models import Agreement
from .topics import Taxonomy


def dedupe(found: list[Agreement], taxonomy: Taxonomy, official: bool = False) -> list[Agreement]:
    """One line per thing agreed. Lines naming the same topics repeat one another; a line that names
    no topic repeats another only when most of its words are shared (a lead paragraph restating
    the body). Of two repeats, the fuller line is kept, at the place of the first. A government's
    own text lists distinct commitments on one topic and does not paraphrase itself: there, lines
    on the same topics repeat one another only when they share a third of their words and do not
    name different parties."""
    same_topics = 0.3 if official else 0.0
    out: list[Agreement] = []
    keys: list[tuple[frozenset[str], bool, bool]] = []
    for a in found:
        topics = taxonomy.topic_set(a.text)
        key = (topics or frozenset({a.topic or ""}), a.prior, bool(topics))
        twin = next(
            (
                i
                for i, (k, b) in enumerate(zip(keys, out, strict=True))
                if k[:2] == key[:2]
                and _overlap(a.text, b.text) >= (same_topics if key[2] else 0.5)
                and not (official and (_other_parties(a, b) or _other_verbs(a.text, b.text)))
            ),
            None,
        )
        if twin is None:
            keys.append(key)
            out.append(a)
        elif _overlap(a.text, out[twin].text) >= 0.5 and len(_content(a.text)) > len(
            _content(out[twin].text)
        ):
            out[twin] = a
    return out


def _other_verbs(a: str, b: str) -> bool:
    """Two commitments with different verbs and few shared words are two lines ("continue to
    address the root causes of X" beside "take steps to reduce X")."""
    first = [w[:6] for w in re.findall(r"[a-z]+", a.lower())[:1] + re.findall(r"[a-z]+", b.lower())[:1]]
    return len(first) == 2 and first[0] != first[1] and _overlap(a, b) < 0.5


def _other_parties(a: Agreement, b: Agreement) -> bool:
    """In a government's own text each side's commitment is its own line ("the United States will
    suspend X"; "China will suspend X"), however alike the words."""
    return bool(a.parties) and bool(b.parties) and set(a.parties) != set(b.parties)


_STOP = {
    "the",
    "a",
    "an",
    "of",
    "to",
    "and",
    "in",
    "on",
    "for",
    "with",
    "at",
    "by",
    "from",
    "their",
    "its",
    "two",
}


def _content(text: str) -> set[str]:
    return {w[:6] for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP}


def _overlap(a: str, b: str) -> float:
    x, y = _content(a), _content(b)
    return len(x & y) / min(len(x), len(y)) if x and y else 0.0
