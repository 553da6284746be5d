"""The extractor: one article in, one :class:`ArticleSummary` out.

``Extractor.load()`` reads the lexicons and the topic taxonomy and loads spaCy (NER only). Per
article, NER runs only on the sentences that can hold an official or a speaker: those with a title
word or a speech verb. ``extract_many`` fans out to worker processes (fork) when asked to.
"""

from __future__ import annotations

import gc
import multiprocessing
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.pool import Pool
from pathlib import Path
from typing import Any

from ..models import ArticleSummary, CleanArticle
from .agreements import extract_agreements
from .context import attach_states
from .document import Doc, build_doc
from .events import extract_events
from .figures import extract_figures
from .issues import extract_issues
from .lexicon import Lexicon, load_lexicon
from .nlp import has_ner, load_nlp, person_spans
from .officials import Person, extract_officials
from .parse import Parses, spacy_parser
from .perspective import is_official_text
from .quotes import extract_quotes
from .topics import Taxonomy, load_taxonomy, merge_taxonomies

CHUNK_SIZE = 16


@dataclass(frozen=True)
class Extractor:
    """Turns cleaned articles into structured summaries. Build it with :meth:`load`."""

    lexicon: Lexicon = field(repr=False)
    taxonomy: Taxonomy = field(repr=False)
    nlp: Any = field(repr=False)
    topics_file: Path | None = None

    @classmethod
    def load(cls, topics_file: Path | Sequence[Path] | None = None, *, use_model: bool = True) -> Extractor:
        """Load lexicons, the taxonomy (``topics_file`` or the default India–China one) and spaCy.

        Several topic files (one per beat) are merged, so one extraction serves every beat."""
        files = [topics_file] if isinstance(topics_file, (str, Path)) else list(topics_file or [])
        paths = [Path(f).resolve() for f in files]
        nlp = load_nlp() if use_model else None
        taxonomy = merge_taxonomies([load_taxonomy(p) for p in paths] or [load_taxonomy(None)])
        return cls(load_lexicon(), taxonomy, nlp, paths[0] if paths else None)

    @property
    def topics(self) -> list[tuple[str, str]]:
        """``(slug, label)`` of every topic in the taxonomy, in file order."""
        return [(t.slug, t.label) for t in self.taxonomy.topics]

    @property
    def uses_ner(self) -> bool:
        return self.nlp is not None and has_ner(self.nlp)

    def extract(self, article: CleanArticle, name: str) -> ArticleSummary:
        doc = build_doc(article.text, article.published, self.lexicon, article.title)
        doc.parses = Parses(spacy_parser(self.nlp) if self.nlp is not None else None)
        officials, people = extract_officials(doc, self.lexicon)
        if self.uses_ner:
            chunks = _ner_chunks(doc, self.lexicon, people)
            doc.persons = person_spans(self.nlp, chunks) if chunks else []
            if doc.persons:
                officials, people = extract_officials(doc, self.lexicon)
        agreements = extract_agreements(doc, self.lexicon, self.taxonomy)
        summary = ArticleSummary(
            article=name,
            title=article.title or None,
            published=article.published.isoformat() if article.published else None,
            reference_date=doc.reference.date.isoformat() if doc.reference else None,
            outlet=article.outlet,
            officials=officials,
            agreements=agreements,
            issues=extract_issues(doc, self.taxonomy, agreements),
            events=extract_events(doc, is_official_text(doc, self.lexicon)),
            quotes=extract_quotes(doc, self.lexicon, people),
            figures=extract_figures(doc),
        )
        return attach_states(doc, summary)

    def extract_many(
        self, items: Iterable[tuple[str, CleanArticle]], n_process: int = 1
    ) -> Iterator[ArticleSummary]:
        """Summaries in input order; ``n_process > 1`` uses forked worker processes."""
        batch = list(items)
        with self.workers(n_process) as workers:
            yield from workers.submit(batch).get()

    def workers(self, n_process: int = 1) -> Workers:
        """Extraction that runs while the caller does something else (see :class:`Workers`)."""
        return Workers(lambda: self, n_process)


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


class Pending:
    """The summaries of one submitted batch, in submission order, once :meth:`get` returns."""

    def __init__(self, get: Callable[[], list[ArticleSummary]]) -> None:
        self._get = get

    def get(self) -> list[ArticleSummary]:
        return self._get()


class Workers:
    """A pool of extraction processes that lives as long as the ``with`` block.

    :meth:`submit` hands a batch to the workers and returns at once, so the caller can store the
    previous batch while this one is extracted. The pool is forked at the first batch (after
    ``load`` has built the extractor, which the workers then share copy-on-write instead of
    loading the language model again) and only if there is one: with nothing new to extract, the
    model is never loaded. With ``n_process <= 1``, or where fork is unavailable, a batch is
    extracted in this process when its :meth:`Pending.get` is called.
    """

    def __init__(self, load: Callable[[], Extractor], n_process: int = 1) -> None:
        self._load = load
        self._parallel = n_process > 1 and "fork" in multiprocessing.get_all_start_methods()
        self._n_process = n_process
        self._pool: Pool | None = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()  # every submitted batch has been collected or is abandoned
            self._pool.join()
            self._pool = None

    def submit(self, items: list[tuple[str, CleanArticle]]) -> Pending:
        if not items:
            return Pending(list)
        if not self._parallel:
            return Pending(lambda: [self._load().extract(article, name) for name, article in items])
        if self._pool is None:
            # gc.freeze in each worker: the collector would otherwise walk every object inherited
            # from the parent (a bot process holds the picture and its consolidator), touching and
            # so copying every page of it.
            context = multiprocessing.get_context("fork")
            self._pool = context.Pool(self._n_process, _start_worker, (self._load(),))
        chunk = max(1, min(CHUNK_SIZE, len(items) // (2 * self._n_process)))
        result = self._pool.map_async(_extract_in_worker, items, chunksize=chunk)
        return Pending(result.get)


_worker: Extractor | None = None  # the extractor of this worker process


def _start_worker(extractor: Extractor) -> None:
    global _worker
    _worker = extractor  # inherited through fork, not pickled
    gc.freeze()


def _extract_in_worker(item: tuple[str, CleanArticle]) -> ArticleSummary:
    assert _worker is not None, "not a worker process"
    name, article = item
    return _worker.extract(article, name)
