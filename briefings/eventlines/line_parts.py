"""What goes into a line: its core (who did what: subject, verb group, objects, a reporting frame)
and its extras (to whom, where, about what), each a :class:`Part` that can shrink."""

from __future__ import annotations

from briefings.eventlines.events import Event, Events
from briefings.eventlines.phrases import MAX_LEVEL, Part
from briefings.eventlines.sentence import ALL_QUOTES, CLAUSAL, OBJECTS, SUBJECTS, Token

CONTEXT_MARKS = frozenset({"as", "while", "because", "since"})
TIME_MARKS = frozenset({"after", "when", "before", "until", "once"})


class LineParts(Events):
    """The core and the extras of an event's line."""

    # --- the line -------------------------------------------------------------------------------

    def core(self, event: Event) -> tuple[list[Part], set[int]]:
        verb = event.verb
        parts: list[Part] = []
        fixed = self.verb_group(verb)
        if event.frame is not None:
            frame = event.frame
            speaker = self.subject_of(frame)
            fixed |= self.verb_group(frame)
            if speaker is not None:
                parts.append(self.part(lambda lv, s=speaker: self.np(s, lv, appos=True)))
                if speaker.i > verb.i and speaker.left_edge.i > 0:  # '"...," the spokesperson said'
                    before = speaker.left_edge.i - 1
                    if self.doc[before].text in ALL_QUOTES and before > 0:
                        before -= 1
                    if self.doc[before].text == ",":
                        self.forced.add(before)
            elif event.speaker_span:
                parts.append(Part([event.speaker_span] * (MAX_LEVEL + 1)))
            if frame.lemma_.lower() in self.lex.telling_verbs:  # "told reporters that ..."
                for c in frame.children:
                    if c.dep_ in ("dobj", "dative") and c.i not in self.banned:
                        parts.append(self.part(lambda lv, c=c: self.np(c, lv)))
                        fixed.update(m.i for m in verb.children if m.dep_ == "mark" and m.lower_ == "that")
        quote = self._quotation(verb)
        if quote:  # a quotation is kept whole while it fits, else shortened without its marks
            parts.append(Part([quote] + [frozenset()] * MAX_LEVEL))
        if event.span:
            parts.append(Part([event.span] * (MAX_LEVEL + 1)))
        elif event.subject is not None and event.subject.head.i != verb.i:  # lent by "X said ..."
            subject = event.subject
            parts.append(self.part(lambda lv, s=subject: self.np(s, lv, appos=True)))
        else:  # the verb's own subject: every piece of it (the parser may split one in two)
            pieces = [
                c
                for c in verb.children
                if c.dep_ in SUBJECTS and c.i not in event.drop and c.i not in self.banned and c.i < verb.i
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
                    parts.append(Part([lost] * (MAX_LEVEL + 1)))
        objects = self.objects(verb)
        for c in verb.children:
            if c.i in self.banned or c.i in event.drop:
                continue
            d = c.dep_
            if d in OBJECTS:
                if c in objects:
                    parts.append(self.part(lambda lv, c=c: self.np(c, lv)))
            elif d in CLAUSAL:
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

    def extras(self, event: Event, core: set[int]) -> list[tuple[int, Part]]:
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
        found: list[tuple[int, int, Part]] = []
        lex = self.lex
        for verb in verbs:
            for c in verb.children:
                if c.i in core or c.i in self.banned or c.i < verb.i or c.i in event.drop:
                    continue
                d = c.dep_
                if verb.i in lenders and d != "advcl":
                    continue
                before = len(found)
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
                        if g.dep_ in ("mark", "advmod") and g.lower_ in TIME_MARKS and g.i < c.i
                    }
                    rank = 5
                    if not marks:  # "comes as X visited": only when the line says little
                        marks = {g.i for g in c.children if g.dep_ == "mark" and g.lower_ in CONTEXT_MARKS}
                        rank = 6
                    if marks and self.subject_of(c) is not None:
                        part = self.part(lambda lv, c=c, m=marks: self.clause(c, lv, nested=True) | m)
                        part.floor = len(self.verb_group(c)) + 2
                        found.append((rank, c.i, part))
                elif (
                    d == "advmod" and c.i == verb.i + 1 and c.lower_.endswith("ly") and verb.i == event.verb.i
                ):
                    found.append((5, c.i, Part([frozenset({c.i})])))
                elif d == "conj" and c.pos_ in ("VERB", "AUX"):
                    ccs = {g.i for g in verb.children if g.dep_ == "cc" and verb.i < g.i < c.i}
                    own = self.subject_of(c) is not None
                    part = self.part(lambda lv, c=c, ccs=ccs: self.clause(c, lv, nested=True) | ccs)
                    part.floor = len(self.verb_group(c) | ccs)
                    found.append((4 if own else 3, c.i, part))
                if len(found) == before and c.i in self.focus_path and d not in ("punct", "cc", "mark"):
                    # a phrase naming the focus ("..., beginning with economic and trade issues")
                    part = self.part(
                        lambda lv, c=c: (
                            self.clause(c, lv, nested=True) if c.pos_ in ("VERB", "AUX") else self.np(c, lv)
                        )
                    )
                    found.append((2, c.i, part))
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
