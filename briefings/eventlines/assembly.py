"""A line from a parsed sentence: the event chosen (the one that reaches the focus person), its
core shrunk until it fits, extras added while there is room, the kept tokens written out in order."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from briefings.eventlines.events import Event
from briefings.eventlines.lexicon import Lexicon
from briefings.eventlines.line_parts import LineParts
from briefings.eventlines.phrases import MAX_LEVEL, Part
from briefings.eventlines.rules import finish, rule_line
from briefings.eventlines.sentence import ALL_QUOTES, PROPN_TAGS, Doc, Token

DANGLING_END = frozenset({"cc", "mark", "prep", "det", "aux", "case", "preconj", "punct", "poss"})
CORRELATIVES = {"both": "and", "either": "or", "neither": "nor"}  # the first word needs the second
DANGLING_START = frozenset({"cc", "mark", "punct", "preconj"})


class LineBuilder(LineParts):
    """Builds the line of one parsed sentence (:meth:`build`)."""

    def choose(self) -> list[Event]:
        """The events whose line can name the focus: those whose subject or object names it first,
        then those with a phrase that does, each group in the sentence's order (its own event first)."""
        found = list(self._focused())

        def central(event: Event) -> bool:
            parts, fixed = self.core(event)
            return bool(self.focus & fixed.union(*(p.levels[0] for p in parts)))

        return sorted(found, key=lambda e: not central(e))

    def _focused(self) -> Iterator[Event]:
        first = self.default_event()
        if first is not None and self.focus & self._reach(first):
            yield first
        verbs = [t for t in self.doc if t.pos_ in ("VERB", "AUX") and t.i not in self.banned]
        verbs.sort(key=lambda t: (self._depth(t), t.i))
        for verb in verbs:
            if not self._statement(verb):
                continue
            subject = self.subject_of(verb) or self._lent_subject(verb)
            if subject is None:
                continue
            if subject.tag_ in ("WDT", "WP") and verb.dep_ == "relcl" and verb.head.i < subject.i:
                # "A, who met B on Monday, ...": "A met B" (not "the X that supports Y": a description)
                event = Event(verb, verb.head, drop=frozenset({subject.i}))
                if self.doc[subject.i - 1].text == "," and self.focus & self._reach(event):
                    yield event
                continue
            if self.is_reporting(verb) and self.ccomp_of(verb) is not None:
                if self.focus & self.np(subject, 0, appos=True):
                    clause = self.ccomp_of(verb)
                    yield Event(clause, self.subject_of(clause), frame=verb)
                continue
            event = Event(verb, subject)
            if verb.i != (first.verb.i if first else -1) and self.focus & self._reach(event):
                yield event

    def _statement(self, verb: Token) -> bool:
        """Whether a verb states something with its subject: a finite verb ("Beijing resumed", not
        the bare "that Beijing resume" of a request nor "to start") outside a question or condition
        ("whether China would ease ...", "if X agrees")."""
        if not self._finite(verb):
            return False
        return not any(m.dep_ == "mark" and m.lower_ in ("whether", "if", "unless") for m in verb.children)

    def _reach(self, event: Event) -> frozenset[int]:
        parts, fixed = self.core(event)
        out = set(fixed)
        for p in parts:
            out |= p.levels[0]
        for _, p in self.extras(event, out):
            out |= p.levels[0]
        return frozenset(out)

    # --- the line -------------------------------------------------------------------------------

    def build(self) -> str | None:
        if self.focus:  # a line that names the focus, when one fits
            for event in self.choose():
                line = self._build_chain(event)
                if line is not None:
                    return line
            self.without_focus()
        return self._build_chain(self.default_event())

    def _build_chain(self, event: Event | None) -> str | None:
        while event is not None:
            line = self.build_event(event)
            if line is not None:
                return line
            event = event.fallback
        return None

    def build_event(self, event: Event) -> str | None:
        self.forced = set()
        parts, fixed = self.core(event)
        core_tokens = set(fixed)
        for p in parts:
            core_tokens |= p.levels[0]
        extras = self.extras(event, core_tokens)
        kept: list[tuple[int, Part]] = []
        named = bool(self.focus & core_tokens)
        for rank, p in extras:  # a phrase naming the focus belongs to the core (the first one)
            if not named and self.focus & p.levels[0]:
                parts.append(p)
                named = True
            else:
                kept.append((rank, p))
        text = self.render(self._union(fixed, parts))
        upto = MAX_LEVEL - 1  # the last level drops conjuncts: only when nothing else is left
        while len(text) > self.limit:
            shrinkable = [p for p in parts if p.can_shrink(upto)]
            if not shrinkable:
                if upto == MAX_LEVEL:
                    return None
                upto = MAX_LEVEL
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
            for level in range(min(MAX_LEVEL, len(p.levels))):  # the fullest that fits, all conjuncts kept
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
    def _union(fixed: set[int], parts: Iterable[Part]) -> set[int]:
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
        words.update(i for i in self.possessives if i - 1 in words)  # "the United States’ commitment"
        for i in [i for i in words if doc[i].lower_ in CORRELATIVES and doc[i].dep_ != "det"]:
            if not any(doc[k].lower_ == CORRELATIVES[doc[i].lower_] for k in words if k > i):
                words.discard(i)  # "to both meet the challenges" without "and deter the threats"
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
                    and doc[i].text not in ALL_QUOTES
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
                if first is not None and doc[first].tag_ not in PROPN_TAGS and doc[first].text != "I":
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
        return finish("".join(pieces))

    def _trim(self, idx: list[int], quote_marks: set[int]) -> list[int]:
        doc = self.doc
        start, end = 0, len(idx)
        while start < end and (
            (
                doc[idx[start]].dep_ in DANGLING_START
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
            if tok.dep_ in DANGLING_END or tok.is_punct or tok.lower_ in self.lex.function_words:
                end -= 1
                continue
            break
        return idx[start:end]


def line_from_doc(doc: Doc, text: str, limit: int, focus: str | None, lex: Lexicon) -> str:
    line: str | None = None
    builder = LineBuilder(doc, lex, limit, focus)
    try:
        line = builder.build()
    except RecursionError:  # a pathological parse
        line = None
    if (
        line
        and len(line) <= limit
        and len(re.findall(r"[^\W\d_]{2,}", line)) >= 2
        and not _says_nothing(line, doc, lex)
    ):
        return line
    found = builder._main_verb()
    verb_text = found[0].text if found is not None else None
    fallback = rule_line(text, limit=limit, verb=verb_text)
    if not _says_nothing(fallback, doc, lex):
        return fallback
    # "X said" and no room for what: what was said, without its speaker, if it fits
    last = re.findall(r"[^\W\d_]+", fallback)[-1].lower()
    verb = next(t for t in doc if t.lower_ == last and t.lemma_ in lex.reporting_verbs)
    said = re.sub(r"^[\s,:]*(?:that\s+)?", "", doc.text[verb.idx + len(verb.text) :])
    reported = rule_line(said, limit=limit) if said else ""
    return reported if reported and not _says_nothing(reported, doc, lex) else ""


def _says_nothing(line: str, doc: Doc, lex: Lexicon) -> bool:
    """Whether ``line`` stops at a verb of saying ("X said"): what was said was lost (a quotation
    whose marks were stripped, a statement cut away), and such a line tells the reader nothing."""
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", line)]
    if not words or not any(t.lower_ == words[-1] and t.lemma_ in lex.reporting_verbs for t in doc):
        return False
    before = set(words[:-1])  # what was said, when the line holds it before the verb ("…," X said)
    return not any(t.pos_ in ("VERB", "AUX") and t.lower_ in before for t in doc)
