"""Direct quotations and who said them.

Quoted stretches are found for curly and straight marks, double and single (an apostrophe between
letters never opens or closes a quote). The speaker is read from the quote's sentence, in order:

1. right after the quote: "'...,' X said" / "'...,' said X" / "'...,' a ministry statement said";
2. before it: "X said (on Thursday|that|, saying,) '...'" (a participle looks further left);
3. later in the sentence: "take 'practical' steps ..., the ministry said in its statement";
4. "according to X";
5. a quote that opens a sentence right after an attributed quote continues it.

A speaker is an official (canonical name), another person NER finds, a government body (canonical
name, "the ministry" resolved to the last ministry named), or a pronoun resolved to the last person
who spoke or was named. Generic sources ("officials said", "the people said") give no speaker.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from ..models import Quote, Span
from .document import Doc
from .lexicon import Lexicon, load_titles
from .mentions import Person
from .names import same_person
from .text import squash
from .turns import fallback_speaker, in_question

_DOUBLE_RE = re.compile(r"“([^”\n]{1,3000}?)”|(?<![\w\"])\"([^\"\n]{1,3000}?)\"(?![\w])")
_SINGLE_OPEN_RE = re.compile(r"(?:(?<=^)|(?<=[\s(\[—–-]))[‘'](?=[^\s'’])", re.MULTILINE)
_SINGLE_CLOSE_RE = re.compile(r"(?<=[^\s])[’'](?=[\s.,;:!?)\]—–-]|$)", re.MULTILINE)
_PRONOUN_RE = re.compile(r"\b(?:he|she|He|She)\b")
_IT_RE = re.compile(r"\b(?:it|It)\b(?=\s+(?:\w+\s+)?(?:said|says|added|stated|warned|noted)\b)")
_GENERIC_RE = re.compile(
    r"(?i)\b(?:the\s+)?(?:people|officials|sources|analysts|experts|diplomats|observers|"
    r"critics|residents|reports?)\b"
)
_ACCORDING_RE = re.compile(r"(?i)\baccording\s+to\s+(?:a\s+|the\s+)?")
MAX_GAP = 60
#: a speaker is looked for at most this far before and after a quote, and a pronoun's person this
#: far back: a "sentence" of many thousands of characters (text without full stops) is no sentence,
#: and scanning all of it for every quote made extraction quadratic in the article's length
WINDOW = 1000
LOOKBACK = 2000
#: quotes per article at most (real articles have a few dozen; a hostile one, thousands)
MAX_QUOTES = 300
_OBJECT_MARKERS = {
    "with",
    "to",
    "by",
    "for",
    "from",
    "of",
    "on",
    "at",
    "in",
    "into",
    "about",
    "against",
    "than",
    "as",
    "when",
    "after",
    "before",
    "while",
    "since",
    "until",
    "if",
    "because",
    "whom",
    "whose",
    "and",
    "or",
    "met",
    "meet",
    "meets",
    "told",
    "called",
    "invited",
    "received",
    "hosted",
    "thanked",
    "urged",
    "asked",
    "between",
    "that",
    "where",
}


@dataclass(frozen=True, slots=True)
class RawQuote:
    open: int  # offset of the opening mark
    close: int  # offset just after the closing mark
    start: int  # text inside the marks
    end: int


@dataclass(frozen=True, slots=True)
class Candidate:
    start: int
    end: int
    speaker: str | None
    kind: str  # person | body | pronoun | generic


def find_raw_quotes(text: str) -> list[RawQuote]:
    doubles = [RawQuote(m.start(), m.end(), m.start() + 1, m.end() - 1) for m in _DOUBLE_RE.finditer(text)]
    opens = [q.open for q in doubles]  # sorted, and the quotes do not overlap
    closers = [m.start() for m in _SINGLE_CLOSE_RE.finditer(text)]
    singles: list[RawQuote] = []  # found in order, not overlapping either
    for m in _SINGLE_OPEN_RE.finditer(text):
        at = bisect_right(opens, m.start()) - 1
        if (at >= 0 and m.start() < doubles[at].close) or (singles and m.start() < singles[-1].close):
            continue  # inside a quote found already
        nxt = bisect_right(closers, m.start() + 1)
        close = closers[nxt] if nxt < len(closers) else None
        if close is None or close - m.start() > 1500 or "\n" in text[m.start() : close]:
            continue
        singles.append(RawQuote(m.start(), close + 1, m.start() + 1, close))
    found = sorted(doubles + singles, key=lambda q: q.open)
    out: list[RawQuote] = []
    for q in found:
        if out and q.open < out[-1].close:
            continue
        if text[q.start : q.end].strip():
            out.append(q)
    return out


# --------------------------------------------------------------------------- speakers


def _candidates(doc: Doc, people: list[Person], quotes: list[RawQuote]) -> list[Candidate]:
    cands: list[Candidate] = []
    official_spans = [(s, e, p.name) for p in people for s, e in p.spans]
    cands += [Candidate(s, e, name, "person") for s, e, name in official_spans]
    for s, e in doc.persons:
        if any(os <= s < oe or s <= os < e for os, oe, _ in official_spans):
            continue
        surface = re.sub(r"['’]s?$", "", doc.clean[s:e]).strip()
        owner = next((p.name for p in people if any(same_person(surface, f) for f in p.forms)), surface)
        cands.append(Candidate(s, e, owner, "person"))
    cands += _bare_titles(doc, people, official_spans)
    cands += [Candidate(b.start, b.end, b.canonical or None, "body") for b in doc.bodies]
    cands += [Candidate(m.start(), m.end(), None, "pronoun") for m in _PRONOUN_RE.finditer(doc.clean)]
    cands += [Candidate(m.start(), m.end(), None, "it") for m in _IT_RE.finditer(doc.clean)]
    cands += [Candidate(m.start(), m.end(), None, "generic") for m in _GENERIC_RE.finditer(doc.clean)]
    starts = [q.start for q in quotes]  # sorted, not overlapping

    def inside(pos: int) -> bool:
        at = bisect_right(starts, pos) - 1
        return at >= 0 and pos < quotes[at].end

    cands = [c for c in cands if not inside(c.start)]
    cands.sort(key=lambda c: (c.start, -(c.end - c.start)))
    out: list[Candidate] = []
    for c in cands:
        if out and c.start < out[-1].end:
            continue
        out.append(c)
    return out


_SUBJECT_KINDS = frozenset({"person", "pronoun", "body"})
_THE_RE = re.compile(r"(?:^|(?<=\s))[Tt]he\s+$")


def _bare_titles(doc: Doc, people: list[Person], taken: list[tuple[int, int, str]]) -> list[Candidate]:
    """ "the Vice President", "The Secretary": a title used alone, for the one person of the
    article who holds it ("said the Vice President" in her own government's readout)."""
    holders: dict[str, set[str]] = {}
    for person in people:
        for m in person.mentions:
            if m.core and not m.weak and not m.former:
                holders.setdefault(m.core, set()).add(person.name)
    if not holders:
        return []
    out: list[Candidate] = []
    pattern = load_titles().pattern
    for t in pattern.finditer(doc.clean):
        if not t.group()[:1].isupper() or not _THE_RE.search(doc.clean, max(0, t.start() - 5), t.start()):
            continue
        if re.match(r"\s+(?:of|for|to)\b|\s+[A-Z]", doc.clean[t.end() : t.end() + 6]):
            continue  # "the President of X", "the Secretary Y": not a bare title
        names = holders.get(re.sub(r"\s+", " ", t.group().lower()), set())
        if len(names) == 1 and not any(s <= t.start() < e for s, e, _ in taken):
            out.append(Candidate(t.start(), t.end(), next(iter(names)), "person"))
    return out


def _speech_verbs(
    doc: Doc, lex: Lexicon, start: int, end: int, participles: bool = False
) -> list[re.Match[str]]:
    pattern = lex.verbs.speech_participles if participles else lex.verbs.speech
    return list(pattern.finditer(doc.clean, start, end))


class _Cands:
    """The candidates, sorted by start and not overlapping (so their ends are sorted too), with
    lookups by position that do not walk the whole list."""

    def __init__(self, items: list[Candidate]) -> None:
        self.items = items
        self.starts = [c.start for c in items]
        self.ends = [c.end for c in items]

    def last_ending_by(self, pos: int, floor: int) -> Candidate | None:
        """The last candidate that ends by ``pos``, when it starts at ``floor`` or later."""
        at = bisect_right(self.ends, pos) - 1
        return self.items[at] if at >= 0 and self.items[at].start >= floor else None

    def first_starting_from(self, pos: int, ceiling: int) -> Candidate | None:
        """The first candidate that starts at ``pos`` or later, when it starts before ``ceiling``."""
        at = bisect_left(self.starts, pos)
        return self.items[at] if at < len(self.items) and self.items[at].start < ceiling else None

    def starting_within(self, start: int, end: int) -> list[Candidate]:
        return self.items[bisect_left(self.starts, start) : bisect_left(self.starts, end)]


def _subject_before(cands: _Cands, verb_start: int, floor: int, doc: Doc) -> Candidate | None:
    c = cands.last_ending_by(verb_start, floor)
    if c is None:
        return None
    gap = doc.clean[c.end : verb_start]
    if len(gap) > MAX_GAP or any(ch in gap for ch in '“”"‘') or re.search(r"[.;]", gap):
        return None
    return c


def _subject_after(cands: _Cands, verb_end: int, ceiling: int, doc: Doc) -> Candidate | None:
    c = cands.first_starting_from(verb_end, ceiling)
    if c is None:
        return None
    gap = doc.clean[verb_end : c.start].strip()
    if len(gap) > 4 and not _is_title_phrase(gap):
        return None
    return c


def _is_title_phrase(text: str) -> bool:
    """ "Vice President", "Deputy Secretary of the Treasury": the title before a speaker's name."""
    text = re.sub(r"^(?:the\s+)", "", text)
    m = load_titles().pattern.match(text)
    if m is None or not text[:1].isupper():
        return False
    rest = text[m.end() :].strip()
    return not rest or bool(re.fullmatch(r"(?:(?:of|for|to|and|the|[A-Z][\w.’'-]*|[A-Z]+)\s*,?\s*)+", rest))


@dataclass
class _Speakers:
    """Resolution state while walking the article's quotes in order."""

    doc: Doc
    lex: Lexicon
    cands: _Cands
    people: list[Person]

    def resolve(self, c: Candidate | None) -> Candidate | None:
        if c is not None and c.kind == "it":
            return self.last_body(c.start)
        if c is None or c.kind != "pronoun":
            return c
        return self.last_person(c.start)

    def last_body(self, pos: int) -> Candidate | None:
        """ "'...,' it said": the body named last in this sentence or the two before."""
        sentence = self.doc.sentence_of(pos)
        if sentence is None:
            return None
        floor = max(self.doc.sentences[max(0, sentence.index - 2)].start, pos - LOOKBACK)
        bodies = [c for c in self.cands.starting_within(floor, pos) if c.kind == "body" and c.speaker]
        return bodies[-1] if bodies else None

    def last_person(self, pos: int) -> Candidate | None:
        """The person a pronoun at ``pos`` refers to: in the nearest sentence (this one first, up to
        four back) that names a person, the subject of a speech verb there, else the person named
        last. ("'A,' X said. Y struck a similar note. 'B,' he said." -> Y.)"""
        sentence = self.doc.sentence_of(pos)
        if sentence is None:
            return None
        for index in range(sentence.index, max(-1, sentence.index - 5), -1):
            s = self.doc.sentences[index]
            if s.end <= pos - LOOKBACK:
                break
            start, end = max(s.start, pos - LOOKBACK), min(s.end, pos)
            named = [c for c in self.cands.starting_within(start, end) if c.kind == "person"]
            if not named:
                continue
            speakers = []
            for m in _speech_verbs(self.doc, self.lex, start, end):
                c = _subject_before(self.cands, m.start(), start, self.doc)
                if c is not None and c.kind == "person":
                    speakers.append(c)
            if speakers:
                return speakers[-1]
            subjects = [c for c in named if self._subject_like(c, start)]
            return subjects[0] if subjects else named[-1]
        return None

    def _subject_like(self, c: Candidate, floor: int) -> bool:
        """A person not introduced by a preposition, conjunction or verb ("with X", "when X", "met X")."""
        left = self.doc.clean[floor : c.start]
        left = self.lex.titles.pattern.sub(" ", left)
        words = re.findall(r"[A-Za-z’']+", left)
        while words and (words[-1][:1].isupper() or words[-1].lower() in {"the", "a", "an", "'s", "’s"}):
            words.pop()
        return not words or words[-1].lower() not in _OBJECT_MARKERS

    def attribute(self, index: int, quotes: list[RawQuote]) -> Candidate | None:
        """The speaker of ``quotes[index]`` (the quotes are in order and do not overlap)."""
        q = quotes[index]
        s_open, s_close = self.doc.sentence_of(q.open), self.doc.sentence_of(max(q.open, q.close - 1))
        floor = max(s_open.start if s_open else 0, q.open - WINDOW)
        ceiling = min(s_close.end if s_close else len(self.doc.clean), q.close + WINDOW)
        following = quotes[index + 1].open if index + 1 < len(quotes) else len(self.doc.clean)
        prev_close = quotes[index - 1].close if index > 0 else floor
        return (
            self._colon(q, prev_close)
            or self._right_after(q, min(ceiling, following))
            or self._before(q, floor, prev_close)
            or self._later(q, ceiling)
            or self._according(floor, ceiling)
        )

    def parsed_subject(self, q: RawQuote) -> Candidate | None:
        """A quotation inside a sentence: the subject of the nearest clause above it, from the
        sentence's dependency parse ("The Vice President recounted how ... and ensured that “...”",
        "X, who said “...”"). A quotation that opens its sentence is left to the surface rules."""
        sentence = self.doc.sentence_of(q.open)
        if sentence is None or not self.doc.clean[sentence.start : q.open].strip():
            return None
        if not any(c.kind in _SUBJECT_KINDS for c in self.cands.starting_within(sentence.start, q.open)):
            return None  # nobody before the quotation to be its subject: no parse needed
        parsed = self.doc.parse_at(q.open)
        subject = parsed.governing_subject(q.open, q.close) if parsed is not None else None
        if parsed is None or subject is None:
            return None
        lo, hi = parsed.noun_phrase(subject)
        head = parsed.tokens[subject]
        found = [
            c
            for c in self.cands.starting_within(parsed.tokens[lo].start, parsed.tokens[hi].end)
            if c.kind in _SUBJECT_KINDS
        ]
        if not found:
            return None
        covering = [c for c in found if c.start <= head.start < c.end]
        return self.resolve((covering or found)[-1])

    def sentence_subject(self, q: RawQuote) -> Candidate | None:
        """A quotation inside a sentence about someone ("The Vice President made a case for how the
        US role “makes America strong”", "X reaffirmed that “...”"): the sentence's subject, when the
        sentence opens with a person and the quote does not open it."""
        sentence = self.doc.sentence_of(q.open)
        if sentence is None or not self.doc.clean[sentence.start : q.open].strip():
            return None
        head = self.cands.first_starting_from(sentence.start, min(q.open, sentence.start + 60))
        if head is None or head.kind not in {"person", "pronoun"}:
            return None
        lead = self.doc.clean[sentence.start : head.start]
        lead = self.lex.titles.pattern.sub(" ", lead)
        if re.search(
            r"[a-z]", re.sub(r"(?i)\b(?:the|additionally|also|furthermore|moreover|finally|then)\b", "", lead)
        ):
            return None  # the person is not the subject ("With X, ...", "after meeting X")
        return self.resolve(head)

    def _colon(self, q: RawQuote, prev_close: int) -> Candidate | None:
        """ "President X: “...”": a speaker named right before a colon that opens the quote."""
        colon = re.search(r":\s*$", self.doc.clean[max(prev_close, q.open - 4) : q.open])
        if colon is None:
            return None
        at = q.open - len(self.doc.clean[max(prev_close, q.open - 4) : q.open]) + colon.start()
        c = self.cands.last_ending_by(at, max(prev_close, at - 80))
        if c is None or self.doc.clean[c.end : at].strip() or c.kind not in {"person", "body"}:
            return None
        return c

    def _right_after(self, q: RawQuote, ceiling: int) -> Candidate | None:
        verbs = _speech_verbs(self.doc, self.lex, q.close, ceiling)
        if not verbs or len(self.doc.clean[q.close : verbs[0].start()]) > MAX_GAP:
            return None
        verb = verbs[0]
        return self.resolve(
            _subject_before(self.cands, verb.start(), q.close, self.doc)
            or _subject_after(self.cands, verb.end(), ceiling, self.doc)
        )

    def _before(self, q: RawQuote, floor: int, prev_close: int) -> Candidate | None:
        verbs = _speech_verbs(self.doc, self.lex, floor, q.open)
        verbs += _speech_verbs(self.doc, self.lex, floor, q.open, participles=True)
        for verb in sorted(verbs, key=lambda v: v.start(), reverse=True):
            if self.lex.verbs.speech_participles.fullmatch(verb.group()):
                continue  # "..., saying, '...'": the subject belongs to the main verb further left
            found = _subject_before(self.cands, verb.start(), floor, self.doc)
            if found is None and verb.start() >= prev_close:
                found = _subject_after(self.cands, verb.end(), q.open, self.doc)
            if found is not None:
                return self.resolve(found)
        return None

    def _later(self, q: RawQuote, ceiling: int) -> Candidate | None:
        for verb in _speech_verbs(self.doc, self.lex, q.close, ceiling):
            found = _subject_before(self.cands, verb.start(), q.close, self.doc)
            if found is not None:
                return self.resolve(found)
        return None

    def _according(self, floor: int, ceiling: int) -> Candidate | None:
        m = _ACCORDING_RE.search(self.doc.clean, floor, ceiling)
        if not m:
            return None
        return self.resolve(_subject_after(self.cands, m.end(), ceiling, self.doc))


def extract_quotes(doc: Doc, lex: Lexicon, people: list[Person]) -> list[Quote]:
    raw = find_raw_quotes(doc.clean)[:MAX_QUOTES]
    state = _Speakers(doc, lex, _Cands(_candidates(doc, people, raw)), people)
    quotes: list[Quote] = []
    previous: tuple[RawQuote, Candidate | None] | None = None
    for index, q in enumerate(raw):
        found = state.attribute(index, raw)
        if found is None and previous is not None and _continues(doc, previous[0], q):
            found = previous[1]
        text = squash(doc.text[q.start : q.end])
        if _is_name(text):
            continue  # a name or defined term in quotation marks ("I2U2", the “Geneva Joint Statement”)
        if found is None:
            found = state.parsed_subject(q) or state.sentence_subject(q)
        speaker = found.speaker if found is not None and found.kind != "generic" else None
        if found is None:  # a transcript's turn or a statement's one voice
            if _is_term(text) or in_question(doc, q.start):
                continue  # a word in quotation marks ("press *1 to “raise hand”"), a reporter's echo
            speaker = fallback_speaker(doc, people, q.start)
        kind = (
            "unknown"
            if speaker is None
            else ("body" if found is not None and found.kind == "body" else "person")
        )
        quotes.append(
            Quote(text=text, speaker=speaker, speaker_kind=kind, span=Span(start=q.start, end=q.end))
        )
        previous = (q, found)
    return _drop_repeats(quotes)


def _is_term(text: str) -> bool:
    """One or two words, no sentence: a term in quotation marks rather than something said (kept
    only when a sentence attributes it: 'X called the plan “practical”')."""
    return len(text.split()) <= 2 and not re.search(r"[.!?]$", text.strip())


_NAME_GLUE = {"of", "on", "the", "de", "del", "la", "and", "for", "to", "a", "an", "in", "&", "at", "y"}


def _is_name(text: str) -> bool:
    """Title-case words only ("ASEAN Matters: Epicentrum of Growth", "U.S. Strategy on Countering
    Corruption.", "I2U2"): the name of a policy, a group or a document, not a quotation."""
    words = re.findall(r"[^\s:,.;!?“”\"()]+", text)
    if not words or len(words) > 8 or re.search(r"[!?]", text):
        return False
    return all(w[:1].isupper() or w[:1].isdigit() or w.lower() in _NAME_GLUE for w in words) and any(
        w[:1].isupper() for w in words
    )


def _continues(doc: Doc, prev: RawQuote, q: RawQuote) -> bool:
    """A quote that opens the sentence after an attributed quote ("'A,' X said. 'B.'")."""
    between = doc.clean[prev.close : q.open]
    if re.fullmatch(r"[.,]?\s*\n\s*(?:[-•*–]\s*)", between):
        return True  # the next item of a list of quotes ("- President X: “A”" / "    - “B”")
    return len(between) < 80 and "\n" not in between.strip(" ") and bool(re.search(r"[.,]\s*$", between))


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _drop_repeats(quotes: list[Quote]) -> list[Quote]:
    """A quote repeated inside a longer one (a pull-quote) is kept once, attributed if possible."""
    norms = [_norm(q.text) for q in quotes]
    out: list[Quote] = []
    kept: set[str] = set()
    for q, norm in zip(quotes, norms, strict=True):
        longer = any(len(other) > len(norm) and norm in other for other in norms)
        if (longer and len(norm.split()) >= 4) or norm in kept:
            continue
        out.append(q)
        kept.add(norm)
    return out
