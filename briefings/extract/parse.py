"""Dependency structure of single sentences, parsed only when a rule asks for it.

The rules read the surface; where they need structure (who is the subject of the clause that holds
a quotation, which name an appositive title belongs to) they ask :class:`Parses` for the sentence
at an offset. The sentence is parsed once (spaCy's parser with its embedding, not the tagger or
NER) and cached, so an article pays only for the few sentences the rules could not settle alone.
Without the parser (the model package is missing, or the extractor runs rules-only) every question
answers ``None``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: the dependency labels of a clause's subject
SUBJECTS = frozenset({"nsubj", "nsubjpass"})
#: words that only point back at a noun ("X, who said ..."): the subject is the noun they modify
RELATIVES = frozenset({"who", "that", "which", "whom"})
#: a name's own words: "European Commission President Ursula von der Leyen" is one noun phrase
NAME_LINKS = frozenset({"compound", "flat", "amod", "nmod", "det", "poss", "case", "punct"})


@dataclass(frozen=True, slots=True)
class Token:
    start: int  # offsets in the article
    end: int
    text: str
    dep: str
    head: int  # index of the head token in the sentence (itself for the root)


@dataclass(frozen=True, slots=True)
class Parsed:
    """One parsed sentence: its tokens in order, with article offsets."""

    tokens: tuple[Token, ...]

    def at(self, pos: int) -> int | None:
        """The index of the token that covers ``pos`` (or starts right after it)."""
        for i, t in enumerate(self.tokens):
            if pos < t.end:
                return i
        return None

    def children(self, i: int) -> list[int]:
        return [j for j, t in enumerate(self.tokens) if t.head == i and j != i]

    def ancestors(self, i: int) -> list[int]:
        out: list[int] = []
        while self.tokens[i].head != i and len(out) < len(self.tokens):
            i = self.tokens[i].head
            out.append(i)
        return out

    def subtree(self, i: int) -> tuple[int, int]:
        """First and last token index of the phrase headed by ``i``."""
        lo = hi = i
        stack = [i]
        while stack:
            for j in self.children(stack.pop()):
                lo, hi = min(lo, j), max(hi, j)
                stack.append(j)
        return lo, hi

    def noun_phrase(self, i: int) -> tuple[int, int]:
        """The head ``i`` with the words that make one name or title of it (compounds, modifiers,
        possessives), not its clauses or prepositional phrases."""
        linked = {i}
        stack = [i]
        while stack:
            for j in self.children(stack.pop()):
                if self.tokens[j].dep in NAME_LINKS:
                    linked.add(j)
                    stack.append(j)
        lo = hi = i
        while lo - 1 in linked:
            lo -= 1
        while hi + 1 in linked:
            hi += 1
        return lo, hi

    def governing_subject(self, lo: int, hi: int) -> int | None:
        """The subject of the nearest clause above the text ``[lo, hi)`` (a quotation) that has
        one outside it: "X recounted how ... and ensure that “...”" -> X. A relative pronoun
        stands for the noun its clause modifies ("Y, who said “...”" -> Y); a noun the quotation
        completes stands for its possessor ("X's declaration that “...”" -> X)."""
        first = self.at(lo)
        if first is None:
            return None
        inside = range(first, len(self.tokens))
        inside = range(first, next((k for k in inside if self.tokens[k].start >= hi), len(self.tokens)))
        for i in [first, *self.ancestors(first)]:
            if i in inside and i != first:
                continue
            owner = self._possessor(i, inside)
            if owner is not None:
                return owner
            for j in self.children(i):
                if self.tokens[j].dep in SUBJECTS and j not in inside:
                    if self.tokens[j].text.lower() in RELATIVES and self.tokens[i].dep == "relcl":
                        return self.tokens[i].head
                    return j
        return None

    def _possessor(self, i: int, inside: range) -> int | None:
        if i in inside:
            return None
        return next((j for j in self.children(i) if self.tokens[j].dep == "poss" and j not in inside), None)


@dataclass
class Parses:
    """Sentences parsed on demand, cached by their start offset."""

    parse: Callable[[str], list[tuple[int, int, str, str, int]]] | None
    cache: dict[int, Parsed | None] = field(default_factory=dict)
    used: int = 0

    def cached(self, start: int) -> bool:
        """The sentence at ``start`` was parsed already (a rule may use it at no cost)."""
        return self.cache.get(start) is not None

    def sentence(self, text: str, start: int, end: int) -> Parsed | None:
        if self.parse is None or end <= start:
            return None
        if start not in self.cache:
            self.used += 1
            raw = self.parse(text[start:end])
            self.cache[start] = Parsed(
                tuple(Token(start + a, start + b, w, dep, head) for a, b, w, dep, head in raw)
            )
        return self.cache[start]


def spacy_parser(nlp: Any) -> Callable[[str], list[tuple[int, int, str, str, int]]] | None:
    """A function that parses one sentence with ``nlp``'s embedding and parser (not its tagger or
    NER: the rules read dependency labels only), or ``None`` when the pipeline has no parser."""
    names = getattr(nlp, "pipe_names", ())
    if "parser" not in names:
        return None
    steps = [nlp.get_pipe(n) for n in ("tok2vec", "parser") if n in names]

    def run(text: str) -> list[tuple[int, int, str, str, int]]:
        doc = nlp.make_doc(text)
        for step in steps:
            doc = step(doc)
        return [(t.idx, t.idx + len(t.text), t.text, t.dep_, t.head.i) for t in doc]

    return run
