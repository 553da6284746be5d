"""Who speaks at a point of a transcript or a statement, when no sentence says so.

A transcript gives each turn a label ("PRESIDENT MOTT:", "THE PRESIDENT:", "Q"): a quotation inside
a turn is the labelled speaker's. A statement whose title names one voice ("Statement from Secretary
X", see ``voices.py``) and has no turns is that voice's words throughout.
"""

from __future__ import annotations

import re

from .document import Doc
from .mentions import Person

#: a turn's label at the start of a line: capitals up to a colon ("PRIME MINISTER AL-KADHIMI:")
_LABEL_RE = re.compile(r"^[ \t]*(?P<label>[A-Z][A-Z.'’ -]{1,60}?)\s*:", re.MULTILINE)
#: a reporter's question: a line opening with a bare "Q" ("Q    Mr. President, ...")
_QUESTION_RE = re.compile(r"^[ \t]*Q(?:[ \t]+|[ \t]*[:.][ \t]*)(?=\S)", re.MULTILINE)


def _turn_at(doc: Doc, pos: int) -> re.Match[str] | None:
    """The label or question line that opens the turn holding ``pos`` (None before any)."""
    starts = [m for m in _LABEL_RE.finditer(doc.clean, 0, pos)]
    starts += [m for m in _QUESTION_RE.finditer(doc.clean, 0, pos)]
    return max(starts, key=lambda m: m.start(), default=None)


def questions(doc: Doc) -> list[tuple[int, int]]:
    """The reporters' questions of a transcript: each "Q" line to the next turn. What is quoted
    or agreed there is the reporter's echo or premise, not a statement of the text."""
    turns = sorted(
        [(m.start(), True) for m in _QUESTION_RE.finditer(doc.clean)]
        + [(m.start(), False) for m in _LABEL_RE.finditer(doc.clean)]
    )
    if not turns:
        return []
    ends = [start for start, _ in turns[1:]] + [len(doc.clean)]
    return [(start, end) for (start, asked), end in zip(turns, ends, strict=True) if asked]


def in_question(doc: Doc, pos: int) -> bool:
    """``pos`` lies in a reporter's question of a transcript (see :func:`questions`)."""
    return any(start <= pos < end for start, end in questions(doc))


def fallback_speaker(doc: Doc, people: list[Person], pos: int) -> str | None:
    """The speaker of the turn holding ``pos``, else the title's one voice, else None."""
    if _LABEL_RE.search(doc.clean):
        turn = _turn_at(doc, pos)
        if turn is None or "label" not in turn.re.groupindex:
            return None  # before the first turn, or a reporter's question
        return _labelled(turn.group("label"), people)
    voices = [p for p in people if any(m.sentence == -1 for m in p.mentions)]
    return voices[0].name if len(voices) == 1 else None


def _labelled(label: str, people: list[Person]) -> str | None:
    """The person a label names: by a word of the name ("PRESIDENT MOTT"), or by the post of its one
    holder ("THE PRESIDENT")."""
    words = set(re.findall(r"[a-z’'-]+", label.lower()))
    named = [p for p in people if words & {w.lower() for f in p.forms for w in f.split()}]
    if len(named) == 1:
        return named[0].name
    post = re.sub(r"^the\s+", "", label.strip().lower())
    holders = [p for p in people if any((m.title or "").lower() == post for m in p.mentions)]
    return holders[0].name if len(holders) == 1 else None
