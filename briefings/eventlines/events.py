"""Which event of a sentence the line states: its main verb, and from a reporting verb ("said")
down to the clause it governs, keeping who said it when the clause is a reported future or wish."""

from __future__ import annotations

from dataclasses import dataclass, field

from briefings.eventlines.phrases import Phrases
from briefings.eventlines.sentence import Token

FIRST_PERSON = frozenset({"i", "we", "you", "me", "us"})


@dataclass
class Event:
    verb: Token
    subject: Token | None = None  # the head of the subject (its own, or lent by a reporting clause)
    frame: Token | None = None  # a reporting verb kept before its clause ("X said ...")
    drop: frozenset[int] = field(default_factory=frozenset)  # a pronoun the subject replaces
    fallback: Event | None = None  # the same event without its frame, when that does not fit
    span: frozenset[int] = field(default_factory=frozenset)  # a subject the parser lost
    speaker_span: frozenset[int] = field(default_factory=frozenset)  # the frame's lost subject


class Events(Phrases):
    """The event a line states, found from the main verb (see the module)."""

    # --- which event ----------------------------------------------------------------------------

    def default_event(self) -> Event | None:
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

    def _descend(self, verb: Token, subject: Token | None, drop: frozenset[int] = frozenset()) -> Event:
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
                    return Event(clause, own, frame=verb, drop=drop, speaker_span=lost)
                if lost and own is not None and own.lower_ == "they" and self._plural_span(lost):
                    bare = self._descend(clause, None, frozenset({own.i}) | drop)
                    bare.span = lost
                    if self._hedged(clause):
                        return Event(clause, own, frame=verb, drop=drop, speaker_span=lost, fallback=bare)
                    return bare
            if speaker is not None and self.focus & self.np(speaker, 0, appos=True):
                return Event(clause, own, frame=verb, drop=drop)
            if own is None:
                return (
                    Event(clause, None, frame=verb, drop=drop) if speaker is not None else Event(verb, None)
                )
            hedged = speaker is not None and speaker.i < verb.i < clause.i and self._hedged(clause)
            if own.tag_ == "PRP" and speaker is not None:
                if self._stands_for(own, speaker, verb):
                    bare = self._descend(clause, speaker, frozenset({own.i}) | drop)
                    if hedged:  # "X said it would ...": the saying is the news
                        return Event(clause, own, frame=verb, drop=drop, fallback=bare)
                    return bare
                if own.lower_ in FIRST_PERSON or speaker.i < clause.i:
                    return Event(clause, own, frame=verb, drop=drop)
            elif hedged:
                bare = self._descend(clause, own, drop)
                return Event(clause, own, frame=verb, drop=drop, fallback=bare)
            verb, subject = clause, own
        return Event(verb, subject, drop=drop)

    def _lent_subject(self, verb: Token) -> Token | None:
        """The subject of the verb this one is conjoined to or completes, when it comes before it."""
        head = verb
        while head.dep_ in ("conj", "xcomp") and head.head.i != head.i:
            head = head.head
            subject = self.subject_of(head)
            if subject is not None:
                return subject if subject.i < verb.i else None
        return None
