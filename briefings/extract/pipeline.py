"""The extractor: one article in, one :class:`ArticleSummary` out.

``Extractor.load()`` reads the lexicons and the topic taxonomy and loads spaCy (NER only). Per
article, NER runs only on the sentences that can hold an official or a speaker: those with a title
word or a speech verb. ``extract_many`` fans out to worker processes (fork) when asked to.
"""

from __future__ import annotations

import gc
import multiprocessing
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..models import ArticleSummary, CleanArticle
from .agreements import extract_agreements
from .document import Doc, build_doc
from .events import extract_events
from .figures import extract_figures
from .issues import extract_issues
from .lexicon import Lexicon, load_lexicon
from .nlp import has_ner, load_nlp, person_spans
from .officials import Person, extract_officials
from .quotes import extract_quotes
from .topics import Taxonomy, load_taxonomy

CHUNK_SIZE = 16


@dataclass(frozen=True)
class Extractor:
    """Turns cleaned articles into structured summaries. Build it with :meth:`load`."""

    lexicon: Lexicon = field(repr=False)
    taxonomy: Taxonomy = field(repr=False)
    nlp: Any = field(repr=False)
    topics_file: Path | None = None

    @classmethod
    def load(cls, topics_file: Path | None = None, *, use_model: bool = True) -> Extractor:
        """Load lexicons, the taxonomy (``topics_file`` or the default India–China one) and spaCy."""
        path = Path(topics_file).resolve() if topics_file is not None else None
        nlp = load_nlp() if use_model else None
        return cls(load_lexicon(), load_taxonomy(path), nlp, path)

    @property
    def topics(self) -> list[tuple[str, str]]:
        """``(slug, label)`` of every topic in the taxonomy, in file order."""
        return [(t.slug, t.label) for t in self.taxonomy.topics]

    @property
    def uses_ner(self) -> bool:
        return self.nlp is not None and has_ner(self.nlp)

    def extract(self, article: CleanArticle, name: str) -> ArticleSummary:
        doc = build_doc(article.text, article.published, self.lexicon)
        officials, people = extract_officials(doc, self.lexicon)
        if self.uses_ner:
            chunks = _ner_chunks(doc, self.lexicon, people)
            doc.persons = person_spans(self.nlp, chunks) if chunks else []
            if doc.persons:
                officials, people = extract_officials(doc, self.lexicon)
        agreements = extract_agreements(doc, self.lexicon, self.taxonomy)
        return ArticleSummary(
            article=name,
            title=article.title or None,
            published=article.published.isoformat() if article.published else None,
            reference_date=doc.reference.date.isoformat() if doc.reference else None,
            outlet=article.outlet,
            officials=officials,
            agreements=agreements,
            issues=extract_issues(doc, self.taxonomy, agreements),
            events=extract_events(doc),
            quotes=extract_quotes(doc, self.lexicon, people),
            figures=extract_figures(doc),
        )

    def extract_many(
        self, items: Iterable[tuple[str, CleanArticle]], n_process: int = 1
    ) -> Iterator[ArticleSummary]:
        """Summaries in input order; ``n_process > 1`` uses forked worker processes."""
        if n_process <= 1 or "fork" not in multiprocessing.get_all_start_methods():
            for name, article in items:
                yield self.extract(article, name)
            return
        _shared_extractor(str(self.topics_file or ""))  # warm the cache: forked workers inherit it
        context = multiprocessing.get_context("fork")
        # gc.freeze in each worker: the collector would otherwise walk every object inherited from
        # the parent (a consolidator of hundreds of MB during a large ingest), touching and so
        # copying every page of it.
        with context.Pool(n_process, initializer=gc.freeze) as pool:
            yield from pool.imap(_extract_in_worker, _with_key(items, self), chunksize=CHUNK_SIZE)


_CAPITALISED_RE = re.compile(r"(?<![\w'’-])[A-Z][\w'’.-]*")


def _ner_chunks(doc: Doc, lex: Lexicon, people: list[Person]) -> list[tuple[int, str]]:
    """Sentences where NER can add something: a title word or a speech verb next to capitalised
    words that the rules did not explain (not a known official, place, body, date or title)."""
    known = bytearray(len(doc.clean))
    spans = [span for p in people for span in p.spans]
    spans += [(x.start, x.end) for x in doc.places] + [(x.start, x.end) for x in doc.bodies]
    spans += [(x.start, x.end) for x in doc.dates]
    spans += [(m.start(), m.end()) for m in lex.titles.pattern.finditer(doc.clean)]
    for a, b in spans:
        known[a:b] = b"\x01" * (b - a)
    chunks: list[tuple[int, str]] = []
    for s in doc.sentences:
        text = doc.clean[s.start : s.end]
        if not (lex.titles.pattern.search(text) or lex.verbs.speech.search(text)):
            continue
        if any(_unexplained(m, s.start, known, lex) for m in _CAPITALISED_RE.finditer(text)):
            chunks.append((s.start, text))
    return chunks


def _unexplained(m: re.Match[str], offset: int, known: bytearray, lex: Lexicon) -> bool:
    word = m.group().rstrip(".'’")
    if m.start() == 0 or word in lex.names.stop or (word.isupper() and len(word) > 1):
        return False
    return not known[offset + m.start()]


# ----------------------------------------------------------------------- worker processes
# Workers are forked after the parent has put its extractor in this cache, so they share it
# copy-on-write instead of loading spaCy again.


@lru_cache(maxsize=1)
def _shared_extractor(key: str) -> Extractor:
    return Extractor.load(Path(key) if key else None)


def _with_key(
    items: Iterable[tuple[str, CleanArticle]], extractor: Extractor
) -> Iterator[tuple[str, str, CleanArticle]]:
    key = str(extractor.topics_file or "")
    for name, article in items:
        yield key, name, article


def _extract_in_worker(item: tuple[str, str, CleanArticle]) -> ArticleSummary:
    key, name, article = item
    return _shared_extractor(key).extract(article, name)
