"""Phrases at levels of detail: a noun phrase, a prepositional phrase, a clause, each from its
fullest (level 0) down to its bare head, and :class:`Part`, a piece of a line that shrinks level by
level."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from briefings.eventlines.sentence import CLAUSAL, OBJECTS, PROPN_TAGS, SUBJECTS, SentenceFacts, Token

MAX_LEVEL = 5

VERB_GROUP = frozenset({"aux", "auxpass", "neg", "prt", "expl"})
NP_KEEP = frozenset({"det", "predet", "poss", "case", "compound", "nmod", "neg", "flat", "possessive"})
NP_NUMERIC = frozenset({"nummod", "quantmod"})
DATE_MODIFIERS = frozenset({"compound", "nmod", "nummod", "npadvmod", "poss"})
PARTICLES = frozenset({"out", "off", "up", "down", "away", "back", "apart", "aside", "ahead"})


@dataclass
class Part:
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


class Phrases(SentenceFacts):
    """Phrases of the sentence at each level of detail."""

    # --- phrases at a level of detail ------------------------------------------------------------

    def np(self, tok: Token, level: int, *, appos: bool = False) -> set[int]:
        """A noun phrase (or any dependent) with the modifiers that this level keeps.

        An apposition stays when it carries the name the head lacks ("the envoy, Ana Ruiz") or, with
        ``appos``, at the first level ("Ana Ruiz, the envoy,", for a subject)."""
        if tok.pos_ in ("VERB", "AUX") and tok.dep_ in SUBJECTS | OBJECTS | {"pobj"}:
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
            if (d in DATE_MODIFIERS and self.is_date(c) and c.i not in self.glued) or c.i == self.hung:
                continue
            if (
                c.i in self.focus_path
                and d not in ("relcl", "appos", "punct")
                and tok.pos_ in ("NOUN", "PROPN")
                and not (d == "conj" and c.pos_ in ("VERB", "AUX"))  # a clause misparsed under a noun
            ):
                # a phrase naming the focus is kept at every level ("barriers impacting digital trade")
                keep |= self.clause(c, level, nested=True) if c.pos_ in ("VERB", "AUX") else self.np(c, level)
                if d == "conj":
                    conj_kept = True
                continue
            if d == "relcl" and self._infinitive(c) and not self._relative(c):
                d = "acl"  # "measures to facilitate visas"
            elif c.i > tok.i and self._relative(c):
                continue  # "..., the shortage of which has caused ..."
            if d in NP_KEEP:
                keep |= self.np(c, level)
            elif d in NP_NUMERIC:
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
                        and (low in ("of", "between") or (self._names(sub) and tok.tag_ not in PROPN_TAGS))
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
        if tok.tag_ not in PROPN_TAGS or tok.lower_ in lex.title_words or tok.lemma_.lower() in lex.org_nouns:
            return -1
        before = [c for c in tok.children if c.i < tok.i]
        end = -1
        for c in before:
            if c.dep_ in ("compound", "amod") and c.lower_ in lex.title_words:
                end = max(end, c.right_edge.i)
        if end < 0 or not any(c.dep_ == "compound" and c.i > end and c.tag_ in PROPN_TAGS for c in before):
            return -1
        return end

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
            elif c.dep_ == "conj" and c.i in self.focus_path:  # "on X and on <the focus>"
                keep |= self.pp(c, level)
                keep.update(g.i for g in prep.children if g.dep_ == "cc" and prep.i < g.i < c.i)
        return keep

    def verb_group(self, verb: Token) -> set[int]:
        keep = {verb.i}
        for c in verb.children:
            if c.dep_ in VERB_GROUP or (
                c.dep_ == "advmod"
                and (
                    c.lower_ in self.lex.keep_adverbs
                    or (c.lower_ in PARTICLES and verb.i < c.i <= verb.i + 3)
                )
            ):
                keep.add(c.i)
        return keep

    def objects(self, verb: Token) -> list[Token]:
        """The verb's objects and complements; a second one of a kind is a misparse of an aside."""
        seen: set[str] = set()
        out: list[Token] = []
        for c in verb.children:
            if c.dep_ in OBJECTS and c.dep_ not in seen and c.i not in self.banned:
                seen.add(c.dep_)
                out.append(c)
        return out

    def object_pp(self, verb: Token) -> Token | None:
        """The prepositional object of a verb that has no other ("met with X", "was on a visit")."""
        if any(c.dep_ in OBJECTS or c.dep_ in CLAUSAL or c.dep_ == "agent" for c in verb.children):
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
            if d in SUBJECTS:
                if subject:
                    keep |= self.np(c, level)
            elif d in OBJECTS:
                if c in objects:
                    keep |= self.np(c, level)
            elif d in CLAUSAL:
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

    def part(self, make: Any) -> Part:
        levels = [frozenset(make(level)) for level in range(MAX_LEVEL + 1)]
        wanted = self.focus & levels[0]
        if wanted:  # never compress the focus person away
            for i in range(1, len(levels)):
                if not wanted <= levels[i]:
                    levels[i] = levels[i - 1]
        return Part(levels)
