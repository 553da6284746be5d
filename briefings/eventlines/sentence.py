"""What the parse of one sentence says about its tokens: asides in brackets, words written as one,
quotations, the focus person, date phrases, subjects, reporting verbs and their that-clauses, a
subject the parser lost, what a pronoun stands for."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from briefings.eventlines.lexicon import Lexicon

Token = Any  # spacy.tokens.Token (spaCy ships no type information)
Doc = Any


SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass"})
OBJECTS = frozenset({"dobj", "dative", "attr", "oprd", "acomp"})
CLAUSAL = frozenset({"xcomp", "ccomp"})
PROPN_TAGS = frozenset({"NNP", "NNPS"})
PLURAL_TAGS = frozenset({"NNS", "NNPS"})
SPAN_TAGS = frozenset({"NNP", "NNPS", "NN", "NNS", "CC", "DT", "JJ", "POS", "HYPH", "PRP$"})
HEDGES = frozenset({"would", "could", "might", "should", "'d", "’d"})
OPEN_QUOTES = {"“": "”", "‘": "’", "«": "»"}
SYMMETRIC_QUOTES = frozenset({'"', "'"})
CLOSE_QUOTES = frozenset({"”", "’", "»"})
ALL_QUOTES = frozenset(OPEN_QUOTES) | CLOSE_QUOTES | SYMMETRIC_QUOTES
BRACKETS = {"(": ")", "[": "]"}
APOSTROPHES = frozenset({"’", "'"})  # a possessive's mark, or a closing quotation mark
YEAR = re.compile(r"^(?:1[89]|20)\d\d(?:s|-\d\d)?$")
ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)?$")


class SentenceFacts:
    """One parsed sentence and the facts about its tokens that every step of a line asks for."""

    def __init__(self, doc: Doc, lex: Lexicon, limit: int, focus: str | None) -> None:
        self.doc = doc
        self.lex = lex
        self.limit = limit
        self.soft = min(limit, max(40, round(limit * 0.8)))
        self.banned = self._asides()
        self.possessives: set[int] = set()
        self.quotes = self._quote_pairs()
        self.glued = self._glued_words()
        keep_adverbs = lex.keep_adverbs
        self.negations = [
            t.i for t in doc if t.dep_ == "neg" or (t.dep_ == "advmod" and t.lower_ in keep_adverbs)
        ]
        self.focus = self._focus_tokens(focus)
        self.focus_path = self._path(self.focus)
        self.forced: set[int] = set()
        self.hung = -1  # a verb the parser hung on its subject noun: not part of that noun phrase
        self._dates: dict[int, bool] = {}

    # --- token facts -----------------------------------------------------------------------------

    def _asides(self) -> frozenset[int]:
        """Tokens inside brackets: parenthetical asides are never part of a line."""
        out: set[int] = set()
        stack: list[tuple[str, int]] = []
        for tok in self.doc:
            if tok.text in BRACKETS:
                stack.append((BRACKETS[tok.text], tok.i))
            elif stack and tok.text == stack[-1][0]:
                _, start = stack.pop()
                out.update(range(start, tok.i + 1))
        return frozenset(out)

    def _glued_words(self) -> dict[int, range]:
        """Tokens written as one word ("water-sharing", "India–China"): kept all or none."""
        doc = self.doc
        out: dict[int, range] = {}
        n = len(doc)
        i = 0
        while i < n:
            j = i
            while j + 1 < n and doc[j].whitespace_ == "" and "—" not in (doc[j].text, doc[j + 1].text):
                j += 1
            lo, hi = i, j
            while lo <= hi and doc[lo].is_punct:
                lo += 1
            while hi >= lo and doc[hi].is_punct:
                hi -= 1
            if hi > lo:
                span = range(lo, hi + 1)
                for k in span:
                    out[k] = span
            i = j + 1
        return out

    def _quote_pairs(self) -> list[tuple[int, int]]:
        """Pairs of quotation marks; an apostrophe of a plural possessive ("the United States’
        commitment", "airlines' plans") is a word's ending, not a mark (:attr:`possessives`)."""
        pairs: list[tuple[int, int]] = []
        open_at: dict[str, int] = {}
        doc = self.doc
        for tok in doc:
            text = tok.text
            if (
                text in APOSTROPHES
                and tok.i > 0
                and doc[tok.i - 1].whitespace_ == ""
                and not doc[tok.i - 1].is_punct
                and (tok.tag_ == "POS" or (doc[tok.i - 1].text[-1:] in "sS" and text not in open_at))
            ):
                self.possessives.add(tok.i)
            elif text in OPEN_QUOTES:
                open_at[OPEN_QUOTES[text]] = tok.i
            elif text in CLOSE_QUOTES and text in open_at:
                pairs.append((open_at.pop(text), tok.i))
            elif text in SYMMETRIC_QUOTES:
                if text in open_at:
                    pairs.append((open_at.pop(text), tok.i))
                else:
                    open_at[text] = tok.i
        return pairs

    def _focus_tokens(self, focus: str | None) -> frozenset[int]:
        """The words of the sentence that ``focus`` names: where the sentence holds it as written
        (a topic's cue, "rare-earth", "economic and trade"), those words; else each of its words
        wherever it stands (a person's surname without the given name)."""
        if not focus:
            return frozenset()
        doc = self.doc
        spans = [
            (m.start(), m.end())
            for m in re.finditer(rf"(?<!\w){re.escape(focus.casefold())}(?!\w)", doc.text.casefold())
        ]
        if spans and len(doc.text.casefold()) == len(doc.text):
            return frozenset(
                t.i
                for t in doc
                if not t.is_punct and any(a < t.idx + len(t.text) and t.idx < b for a, b in spans)
            )
        words = {w.casefold() for w in re.findall(r"[^\W\d_][\w'’.-]*", focus) if len(w) > 1}
        if not words:
            return frozenset()
        return frozenset(t.i for t in self.doc if t.text.casefold() in words)

    def _path(self, tokens: frozenset[int]) -> frozenset[int]:
        """The tokens whose phrase holds one of ``tokens`` (each and its heads up to the root)."""
        out: set[int] = set()
        for i in tokens:
            tok = self.doc[i]
            out.add(i)
            out.update(a.i for a in tok.ancestors)
        return frozenset(out)

    def without_focus(self) -> None:
        """Forget the focus (a line that cannot keep it is built as if there were none)."""
        self.focus = self.focus_path = frozenset()

    def is_date(self, tok: Token) -> bool:
        """Whether a phrase only says when ("on Thursday", "in October last year", "2020")."""
        if tok.i in self._dates:
            return self._dates[tok.i]
        words = [t for t in tok.subtree if not t.is_punct]
        if tok.dep_ == "prep":
            words = words[1:]
        lex = self.lex
        head = False
        ok = bool(words)
        for t in words:
            low = t.lower_
            if low in lex.date_heads or YEAR.match(low):
                head = True
            elif not (low in lex.date_fillers or ORDINAL.match(low)):
                ok = False
                break
        self._dates[tok.i] = result = ok and head
        return result

    def size(self, tok: Token) -> int:
        return int(tok.right_edge.i - tok.left_edge.i + 1)

    @staticmethod
    def subject_of(verb: Token) -> Token | None:
        for c in verb.children:
            if c.dep_ in SUBJECTS:
                return c
        return None

    @staticmethod
    def named(tok: Token) -> bool:
        """A proper noun heads the phrase (or is one of its compounds)."""
        if tok.tag_ in PROPN_TAGS:
            return True
        return any(c.dep_ == "compound" and c.tag_ in PROPN_TAGS for c in tok.children)

    def is_reporting(self, verb: Token) -> bool:
        return bool(verb.lemma_.lower() in self.lex.reporting_verbs)

    def ccomp_of(self, verb: Token) -> Token | None:
        """The that-clause of a reporting verb: the first one after it, else the last one before it
        ("X met Y, the ministry said")."""
        found = [
            c
            for c in verb.children
            if c.dep_ in ("ccomp", "parataxis") and c.pos_ in ("VERB", "AUX") and c.i not in self.banned
        ]
        after = [c for c in found if c.i > verb.i]
        if after:
            return after[0]
        if found:
            return found[-1]
        for c in verb.children:
            if c.dep_ == "advcl" and c.tag_ == "VBG" and self.is_reporting(c) and c.i > verb.i:
                return self.ccomp_of(c)  # "X said, adding that ..."
            if c.dep_ == "prep" and c.i > verb.i:  # "said in a statement that ...", hung on the noun
                for obj in c.children:
                    for g in obj.children if obj.dep_ == "pobj" else ():
                        if (
                            g.dep_ in ("acl", "ccomp", "relcl")
                            and g.pos_ in ("VERB", "AUX")
                            and any(m.dep_ == "mark" and m.lower_ == "that" for m in g.children)
                            and self.subject_of(g) is not None
                        ):
                            return g
        return None

    def _names(self, tokens: Iterable[int]) -> bool:
        return any(self.doc[i].tag_ in PROPN_TAGS for i in tokens)

    def _infinitive(self, verb: Token) -> bool:
        return any(g.dep_ == "aux" and g.lower_ == "to" for g in verb.children)

    def _relative(self, tok: Token) -> bool:
        """A relative clause, or a phrase that opens one ("..., the shortage of which has ..."); a
        relative clause further down (one that would be dropped anyway) does not count."""
        for t in tok.subtree:
            if t.tag_ in ("WDT", "WP", "WP$"):
                a = t
                while a.i != tok.i and a.dep_ != "relcl":
                    a = a.head
                if a.i == tok.i:
                    return True
        return False

    def _lost_subject(self, verb: Token) -> frozenset[int]:
        """The noun phrase right before a verb that has no subject ("..., A and B on Friday said")."""
        doc = self.doc
        i = verb.i - 1
        while i >= 0:
            t = doc[i]
            if t.dep_ in ("aux", "auxpass", "neg", "advmod"):
                i -= 1
                continue
            prep = next((a for a in t.ancestors if a.dep_ == "prep"), None)
            if prep is not None and prep.i < i and prep.right_edge.i == i and self.is_date(prep):
                i = prep.i - 1
                continue
            break
        span: list[int] = []
        while i >= 0 and i not in self.banned:
            t = doc[i]
            of = t.lower_ == "of" and 0 < i < verb.i - 1 and doc[i + 1].tag_ in PROPN_TAGS
            if not (t.tag_ in SPAN_TAGS or t.dep_ == "compound" or of):  # "Ministry of External Affairs"
                break
            span.append(i)
            i -= 1
        while span and doc[span[-1]].tag_ in ("CC", "DT", "POS", "HYPH") and doc[span[-1]].lower_ != "the":
            span.pop()
        if not span or not any(doc[k].tag_ in ("NN", "NNS", "NNP", "NNPS") for k in span):
            return frozenset()
        return frozenset(span)

    @staticmethod
    def _finite(verb: Token) -> bool:
        return bool(
            verb.tag_ in ("VBD", "VBZ", "VBP")
            or any(
                c.dep_ in ("aux", "auxpass") and c.tag_ in ("VBD", "VBZ", "VBP", "MD") for c in verb.children
            )
        )

    def _plural_span(self, span: frozenset[int]) -> bool:
        doc = self.doc
        return any(doc[k].lower_ == "and" for k in span) or doc[max(span)].tag_ in PLURAL_TAGS

    def _hedged(self, clause: Token) -> bool:
        """A that-clause in a reported future or wish ("would", "should"): keep who said it."""
        return any(c.dep_ == "aux" and c.lower_ in HEDGES for c in clause.children)

    def _stands_for(self, pronoun: Token, speaker: Token, verb: Token) -> bool:
        """Whether "<speaker> said <pronoun> ..." can read "<speaker> ..." (same referent, same number)."""
        if not (speaker.i < verb.i < pronoun.i) or speaker.tag_ == "PRP":
            return False
        p = pronoun.lower_
        plural = speaker.tag_ in PLURAL_TAGS or any(c.dep_ == "conj" for c in speaker.children)
        lemma = speaker.lemma_.lower()
        if p == "they":
            return plural
        if p in ("he", "she"):
            return not plural and (speaker.tag_ in PROPN_TAGS or lemma in self.lex.person_nouns)
        if p == "it":
            return not plural and lemma in self.lex.org_nouns
        return False

    def _tokens(self, tok: Token) -> set[int]:
        return {t.i for t in tok.subtree}

    def _depth(self, tok: Token) -> int:
        depth = 0
        while tok.head.i != tok.i and depth < 50:
            tok, depth = tok.head, depth + 1
        return depth

    def _in_date(self, i: int) -> bool:
        """Whether a token belongs to a date phrase ("in early April")."""
        tok = self.doc[i]
        return any(a.dep_ in ("prep", "npadvmod") and self.is_date(a) for a in [tok, *tok.ancestors])
