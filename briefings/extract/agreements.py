"""Agreements: one short line per thing two or more parties agreed, pledged or assured.

A trigger verb (``data/verbs.toml``: agreed, pledged, assured, concurred, committed...) opens the
clause that says what was agreed: "agreed (during the talks) to X", "agreed on X", "assured Y that
X", "the mechanism that the two sides agreed upon", "reached consensus on X". The clause ends at
the sentence end or at a clause break (", which", ", signalling", ", the ministry said").

Lines are split where the clause joins different things:
* verb conjuncts on different topics: "expedite X and take steps for Y" -> two lines;
* object lists on different topics: "resume A, B and C" -> three lines, each with the head ("resume");
but a list after a scope noun stays one line ("talks about A and B", "concerns over A, B and C").
Repeats in one article (same topics, same prior flag) are kept once. ``prior`` marks agreements
from before the article's news (an earlier date, "had agreed", "at the time", "previously").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..models import Agreement, Span
from .agreement_repeats import dedupe
from .clause_parts import joint_subject, passive_object, subject_parties
from .document import Doc
from .lexicon import Lexicon
from .perspective import is_official_text
from .text import Sentence, squash
from .topics import Taxonomy
from .turns import questions

_NEGATION_RE = re.compile(
    r"(?i)(?:\bnot|n['’]t|\bfailed\s+to|\brefused\s+to|\byet\s+to|\bnever)\s+(?:\w+\s+)?$"
)
_TO_RE = re.compile(r"\s+(?:(?:also|further|jointly|formally|then)\s+)?to\s+[“\"‘]?(?=[a-z])")
_ADVERBIAL_TO_RE = re.compile(
    r"\s+(?:during|at|in|on|this|last|after|with|when|while|earlier)\b[^,;.“”\"]{0,70}?\s"
    r"to\s+(?=[a-z])"
)
_ON_RE = re.compile(r"\s+(?:on|upon|over)\s+(?=\S)")
# "agreed on Monday to ...", "agreed on 12 June to ...": a date, not the object of the agreement
_DATED_TO_RE = re.compile(
    r"\s+on\s+(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+|"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?)"
    r"[^,;.“”\"]{0,30}?\s+to\s+(?=[a-z])"
)
_THAT_RE = re.compile(r"\s+(?:[^,;.]{0,80}?\s)?that\s+(?=\S)")
_RELATIVE_RE = re.compile(r"(?:that|which)\s+(?:[\w’'-]+\s+){0,4}$")
_REFERENCE_RE = re.compile(r"(?i)\b(?:the|this|that|these)\s+(?:issue|issues|matter|matters|question)\b")
_SIDES_RE = re.compile(
    r"(?i)\b(?:two|both)\s+(?:sides|countries|nations|parties|neighbours|neighbors|leaders|"
    r"governments|officials|ministers)\b|\bthey\b|\bthe\s+sides\b"
)
_TRAILING_RE = re.compile(r"(?:\s+(?:that|which|who|and|or|to))+$")
_FUNCTION_WORDS = {"for", "on", "of", "to", "in", "about", "over", "regarding", "between", "into", "with"}


@dataclass(frozen=True)
class _Clause:
    start: int
    end: int
    sentence: Sentence
    trigger_start: int


def extract_agreements(doc: Doc, lex: Lexicon, taxonomy: Taxonomy) -> list[Agreement]:
    found: list[Agreement] = []
    official = is_official_text(doc, lex)
    asked = questions(doc)
    for sentence in doc.sentences:
        if any(start <= sentence.start < end for start, end in asked):
            continue  # a reporter's question: its premise, not what the parties agreed
        clauses = _clauses(doc, lex, sentence)
        clauses += _affirmed(doc, lex, sentence, official, [c.trigger_start for c in clauses])
        for clause in sorted(clauses, key=lambda c: c.start):
            if _ADDRESSED_RE.search(
                doc.clean, max(sentence.start, clause.trigger_start - 25), clause.trigger_start
            ):
                continue  # "By joining, you are agreeing to ...", "You're welcome": the one addressed
            found += _agreements_from(doc, lex, taxonomy, clause, official)
    return dedupe(found, taxonomy, official)


_SUBORDINATE_RE = re.compile(r"(?i)\b(?:since|which|who|when|after|before|because|while|if|as)\b")
_ONE_SIDED = {
    "announced",
    "announce",
    "announces",
    "launched",
    "launch",
    "launches",
    "established",
    "establish",
    "directed",
    "tasked",
    "adopted",
    "adopt",
}


def _joint_in_news(subject: str, verb: str) -> bool:
    """In news copy an affirmation is an agreement only when both sides make it in the main clause
    ("the two leaders reaffirmed ..."), never a one-sided step ("the ministry announced ...")."""
    if verb.lower() in _ONE_SIDED or _SUBORDINATE_RE.search(subject):
        return False
    return bool(_SIDES_RE.search(subject))


def _joined(doc: Doc, subject: str, m: re.Match[str]) -> bool:
    """The parse shows parties joined in the verb's subject ("A and B launched ..."); parsed only
    when two states and an "and" stand before the verb."""
    if _SUBORDINATE_RE.search(subject) or " and " not in subject:
        return False
    states = {p.country for p in doc.places if m.start() - len(subject) <= p.start < m.start()}
    return len(states) >= 2 and joint_subject(doc, m.start())


_WILL_RE = re.compile(r"\b(?:will|shall)\s+(?:(?:also|further|jointly|now|each)\s+)*(?=[a-z])")
_LEAD_IN_RE = re.compile(r"(?i)\bthe\s+following\b[^.]{0,60}$")


def _affirmed(doc: Doc, lex: Lexicon, sentence: Sentence, official: bool, taken: list[int]) -> list[_Clause]:
    """Official prose: "reaffirmed X", "welcomed the launch of X", "intend to X" (with a joint
    subject in news copy, any subject in a government's own text), and in a government's own text
    "<party> will X"."""
    text = doc.clean
    out: list[_Clause] = []
    triggers = list(lex.verbs.affirm.finditer(text, sentence.start, sentence.end))
    triggers += [
        m
        for m in lex.verbs.affirm_commitment.finditer(text, sentence.start, sentence.end)
        if _commitment_object(text, lex, m.end(), sentence.end)
    ]
    for m in sorted(triggers, key=lambda t: t.start()):
        if any(abs(m.start() - t) < 3 for t in taken) or not m.group()[:1].islower():
            continue
        passive = passive_object(doc, m.start(), sentence.start)
        if passive is not None:  # "a Task Force, also launched today, on X" / "X was launched"
            # a government's own text says what it launched; news copy's "curbs, announced by X"
            # or "once the batches were announced" names no parties that agreed to anything
            if official:
                out.append(_Clause(passive[0], passive[1], sentence, m.start()))
            continue
        if _not_finite(text, lex, m, sentence):
            continue
        subject = text[sentence.start : m.start()]
        if _NEGATION_RE.search(subject[-25:]) or re.search(r"[“\"]", subject):
            continue
        if not official and not _joint_in_news(subject, m.group()) and not _joined(doc, subject, m):
            continue
        if (
            not official
            and m.group().lower() in lex.verbs.welcome
            and not _step_object(text, lex, m.end(), sentence.end)
        ):
            continue
        start = m.end() + len(text[m.end() : sentence.end]) - len(text[m.end() : sentence.end].lstrip())
        stop = _clause_end(text, lex, start, sentence.end)
        if stop - start > 12:
            out.append(_Clause(start, stop, sentence, m.start()))
    if not official:
        return out
    for m in _WILL_RE.finditer(text, sentence.start, sentence.end):
        left = text[sentence.start : m.start()]
        subject = re.split(r"[,;:]\s|\b(?:that|which|who)\s", left)[-1]
        if re.search(r"[“\"]", left) or len(subject.split()) > 12:
            continue
        names_party = any(
            sentence.start <= p.start < m.start() for p in doc.places if p.start >= m.start() - len(subject)
        )
        if not (names_party or lex.verbs.future_subjects.search(subject)):
            continue
        stop = _clause_end(text, lex, m.end(), sentence.end)
        if stop - m.end() > 12:
            out.append(_Clause(m.end(), stop, sentence, m.start()))
    return out


_OBJECT_HEAD_RE = re.compile(r"[\w’'.-]+")
_HEAD_ENDS = {"to", "for", "of", "with", "in", "on", "toward", "towards", "that", "and", "as"}


def _commitment_object(text: str, lex: Lexicon, start: int, end: int) -> bool:
    """The object's head is a commitment ("the Administration's firm commitment to X", "strong
    U.S. support for X")."""
    return _object_head(text, start, end) in lex.verbs.commitment_nouns


def _step_object(text: str, lex: Lexicon, start: int, end: int) -> bool:
    """The object's head is a step taken ("the decision to X", "the resumption of flights")."""
    return _object_head(text, start, end) in lex.verbs.step_nouns


def _object_head(text: str, start: int, end: int) -> str | None:
    """The head of the object starting at ``start``: its last word before a preposition, within
    six words."""
    words = [w.group().lower() for w in _OBJECT_HEAD_RE.finditer(text, start, min(end, start + 80))][:7]
    head = next((i for i, w in enumerate(words) if w in _HEAD_ENDS), len(words))
    return words[head - 1] if 0 < head <= 6 else None


def _not_finite(text: str, lex: Lexicon, m: re.Match[str], sentence: Sentence) -> bool:
    """The verb is a noun ("the launch of X") or a participle or adverbial ("the framework
    established by leaders", "announced on Liberation Day"), so what follows is not its object."""
    before = text[sentence.start : m.start()].split()
    if before and before[-1].lower() in lex.verbs.noun_before:
        return True
    after = text[m.end() : sentence.end].split()
    return bool(after) and after[0].lower().strip(",") in lex.verbs.participle_next


# --------------------------------------------------------------------------- clauses


#: the one the text addresses right before a verb: "you are agreeing to", "you’re welcome"
_ADDRESSED_RE = re.compile(r"(?i)\byou(?:\s+(?:are|were|have|had|will|would)|['’](?:re|ve|ll))?\s+$")


def _clauses(doc: Doc, lex: Lexicon, sentence: Sentence) -> list[_Clause]:
    out: list[_Clause] = []
    text = doc.clean
    triggers = list(lex.verbs.agree.finditer(text, sentence.start, sentence.end))
    triggers += [m for m in lex.verbs.agree_nouns.finditer(text, sentence.start, sentence.end)]
    signs = list(lex.verbs.sign.finditer(text, sentence.start, sentence.end))
    for m in sorted(triggers + signs, key=lambda t: t.start()):
        if _NEGATION_RE.search(text[max(sentence.start, m.start() - 25) : m.start()]):
            continue
        if m in signs:
            if _not_finite(text, lex, m, sentence):
                continue
            span = _signed_object(doc, lex, m, sentence)
            if span is not None:
                out.append(_Clause(span[0], span[1], sentence, m.start()))
            continue
        span = _complement(doc, lex, m, sentence)
        if span is not None and span[1] - span[0] > 3:
            out.append(_Clause(span[0], span[1], sentence, m.start()))
    return out


def _complement(doc: Doc, lex: Lexicon, m: re.Match[str], sentence: Sentence) -> tuple[int, int] | None:
    text, end = doc.clean, sentence.end
    is_noun = bool(lex.verbs.agree_nouns.fullmatch(m.group()))
    relative = _relative_object(text, m, sentence)
    if relative is not None:
        return relative
    for pattern in (_ON_RE,) if is_noun else (_TO_RE, _DATED_TO_RE, _ON_RE, _ADVERBIAL_TO_RE, _THAT_RE):
        c = pattern.match(text, m.end(), end)
        if c is not None:
            stop = _clause_end(text, lex, c.end(), end)
            if c.group().endswith(("“", '"', "‘")):  # a quoted pledge ends with its quotation
                close = re.compile(r"[”\"’](?!\w)").search(text, c.end(), stop + 1)
                if close is not None:
                    stop = close.start()
            return c.end(), stop
    return None


def _signed_object(doc: Doc, lex: Lexicon, m: re.Match[str], sentence: Sentence) -> tuple[int, int] | None:
    """ "signed a 10-year framework for X": the object, when it names an agreement."""
    text = doc.clean
    start = m.end() + (len(text[m.end() : sentence.end]) - len(text[m.end() : sentence.end].lstrip()))
    stop = _clause_end(text, lex, start, sentence.end)
    words = [w.strip(",.").lower() for w in text[start:stop].split()[:6]]
    if stop - start < 8 or not any(w in lex.verbs.sign_objects for w in words):
        return None
    phrase = _DATE_TAIL_RE.sub("", text[start:stop])
    return start, start + len(phrase)


_DATE_TAIL_RE = re.compile(
    r"\s+(?:on|in|last|this|earlier)\s+(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|[A-Z][a-z]+(?:\s+\d{1,2})?|"
    r"\d{1,2}\s+[A-Z][a-z]+|year|month|week)\s*$"
)


def _relative_object(text: str, m: re.Match[str], sentence: Sentence) -> tuple[int, int] | None:
    """ "the X mechanism that the two countries agreed upon": the noun phrase before "that"."""
    after = text[m.end() : m.end() + 12]
    if not re.match(r"\s*(?:upon|on)?\s*(?:[,.;]|during|at|in|last|earlier|$)", after):
        return None
    before = text[sentence.start : m.start()]
    rel = _RELATIVE_RE.search(before)
    if rel is None:
        return None
    np_end = sentence.start + rel.start()
    words = list(re.finditer(r"\S+", text[sentence.start : np_end]))[-8:]
    start = np_end
    for w in reversed(words):
        if w.group().lower() in {"the", "a", "an", "of", "as", "that", "which"} or w.group().endswith(","):
            break
        start = sentence.start + w.start()
    return (start, np_end) if start < np_end else None


def _clause_end(text: str, lex: Lexicon, start: int, end: int) -> int:
    stretch = text[start:end]
    cuts = [len(stretch.rstrip(" .!?\"”’'"))]
    for pattern in (
        r",?\s+and\s+(?:[A-Z][\w’'-]*\s+){1,3}(?:agreed|pledged|said|will|would|has|have|had|is|was|also)\b",
        r",?\s+and\s+(?:they|we|he|she)\s+[a-z]",
        r"[;:]|\((?!(?:\d{1,2}|[a-z]|[ivx]{1,4})\)\s)",
        r"\s[—–]\s",
        r",\s+(?!including\b)\w+ing\b",
        r",?\s+(?:\w+\s+){0,5}?(?:said|says|told|added|noted|stated)\b",
    ):
        m = re.search(pattern, stretch)
        if m:
            cuts.append(m.start())
    for m in re.finditer(r",[”\"’]?\s+", stretch):
        if lex.verbs.clause_ends.match(stretch, m.end()):
            cuts.append(m.start())
            break
    for m in re.finditer(r",?\s+and\s+", stretch):
        if lex.verbs.new_clause_verbs.match(stretch, m.end()):
            cuts.append(m.start())
            break
    return start + min(cuts)


# --------------------------------------------------------------------------- lines


def _agreements_from(
    doc: Doc, lex: Lexicon, taxonomy: Taxonomy, clause: _Clause, official: bool = False
) -> list[Agreement]:
    raw = doc.text[clause.start : clause.end]
    prior = _is_prior(doc, lex, clause)
    when = _when(doc, clause.sentence)
    parties = _parties(doc, clause)
    out: list[Agreement] = []
    for line in _split_official(raw) if official else _split(raw, lex, taxonomy):
        line = _ENUMERATOR_RE.sub("", line)
        text, topic = _with_reference(doc, taxonomy, clause, _TRAILING_RE.sub("", squash(line)))
        if len(text.split()) < 2 or _LEAD_IN_RE.search(text):
            continue  # "take the following actions by ...": the actions are the list after it
        if text.split()[0].lower() in lex.verbs.no_object:
            continue  # "the steps they agreed to in principle when they met": no object follows
        out.append(
            Agreement(
                text=text,
                topic=topic or taxonomy.default,
                parties=parties,
                when=when,
                prior=prior,
                span=Span(start=clause.start, end=clause.end),
            )
        )
    return out


# "will continue to (1) modify ... and (2) adopt ...": the enumerators of an inline list
_ENUMERATOR_RE = re.compile(r"\((?:\d{1,2}|[a-z]|[ivx]{1,4})\)\s+")
_OFFICIAL_SPLIT_RE = re.compile(
    r",?\s+and\s+(?:(?:also|further|then)\s+)?(?:to|will)\s+"
    r"(?=[a-z])(?!(?:the|a|an|its|their|our|his|her|this|these|all|other|each|both)\b)"
)


def _split_official(text: str) -> list[str]:
    """A government's own text lists one commitment per line and keeps a list of objects whole
    ("enhance surveillance capabilities and share best practices"); only a second verb phrase with
    its own "to" or "will" is a second commitment ("to maintain X and to continue Y", "will deepen
    X and will continue Y")."""
    return [p for p in _OFFICIAL_SPLIT_RE.split(text) if p.strip()]


def _split(text: str, lex: Lexicon, taxonomy: Taxonomy) -> list[str]:
    lines: list[str] = []
    for piece in _split_verbs(text, lex, taxonomy):
        lines += _split_objects(piece, lex, taxonomy)
    return lines


def _split_verbs(text: str, lex: Lexicon, taxonomy: Taxonomy) -> list[str]:
    verbs = "|".join(sorted(lex.verbs.action_verbs - {"also", "further", "jointly"}, key=len, reverse=True))
    pattern = re.compile(
        rf"(?:,\s+(?:and\s+)?to\s+|,?\s+and\s+(?:(?:also|further|jointly)\s+)?(?:to\s+)?)(?=(?:{verbs})\b)"
    )
    pieces, start = [], 0
    for m in pattern.finditer(text):
        before = text[start : m.start()].split()
        if not before or before[-1].lower() in lex.verbs.action_verbs or len(before) < 2:
            continue
        left, right = text[start : m.start()], text[m.end() :]
        lt, rt = taxonomy.first_topic(left), taxonomy.first_topic(right)
        if lt and rt and lt != rt:
            pieces.append(left)
            start = m.end()
    pieces.append(text[start:])
    return pieces


def _split_objects(piece: str, lex: Lexicon, taxonomy: Taxonomy) -> list[str]:
    hits = taxonomy.hits(piece)
    if len({h.slug for h in hits}) < 2:
        return [piece]
    head_end = _head_end(piece, hits[0].start, lex)
    head = piece[:head_end]
    if any(w.lower().strip(",") in lex.verbs.scope_nouns for w in head.split()):
        return [piece]
    parts = re.split(r"(,\s+and\s+|,\s+|\s+and\s+)", piece[head_end:])
    conjuncts: list[tuple[str, str | None]] = []
    for i in range(0, len(parts), 2):
        chunk, sep = parts[i], parts[i - 1] if i else ""
        topic = taxonomy.first_topic(chunk)
        if conjuncts and (topic is None or topic == conjuncts[-1][1]):
            conjuncts[-1] = (conjuncts[-1][0] + sep + chunk, conjuncts[-1][1])
        else:
            conjuncts.append((chunk, topic))
    if len(conjuncts) < 2:
        return [piece]
    return [head + chunk for chunk, _ in conjuncts]


def _head_end(piece: str, hit_start: int, lex: Lexicon) -> int:
    """Where the noun phrase holding the first topic word starts (after its verb or preposition)."""
    words = list(re.finditer(r"\S+", piece[:hit_start]))
    for w in reversed(words):
        token = w.group().lower().strip(",")
        if token in _FUNCTION_WORDS or token in lex.verbs.action_verbs:
            return w.end() + 1
    return 0


def _with_reference(doc: Doc, taxonomy: Taxonomy, clause: _Clause, text: str) -> tuple[str, str | None]:
    """ "further talks on the issue": name the issue from the sentences before."""
    topic = taxonomy.first_topic(text)
    ref = _REFERENCE_RE.search(text)
    first_hit = taxonomy.hits(text)
    if ref is None or (first_hit and first_hit[0].start < ref.start()):
        return text, topic
    for sentence in reversed(doc.sentences[max(0, clause.sentence.index - 2) : clause.sentence.index]):
        earlier = [h for h in taxonomy.hits(doc.clean, sentence.start, sentence.end) if h.strong]
        if earlier:
            slug = earlier[0].slug
            label = taxonomy.label(slug).lower()
            return f"{text[: ref.end()]} ({label}){text[ref.end() :]}", slug
    return text, topic


# --------------------------------------------------------------------------- attributes


def _is_prior(doc: Doc, lex: Lexicon, clause: _Clause) -> bool:
    sentence = doc.sentence_text(clause.sentence)
    for m in lex.verbs.prior_markers.finditer(sentence):
        if m.group().lower().startswith("had ") and lex.verbs.speech.search(sentence[: m.start()]):
            continue
        return True
    ref = doc.reference
    if ref is None:
        return False
    for d in doc.dates:
        if clause.sentence.start <= d.start < clause.sentence.end and d.value and _before(d.value, ref.date):
            return True
    return False


def _before(value: str, ref: dt.date) -> bool:
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return parts[0] < ref.year
    if len(parts) == 2:
        return (parts[0], parts[1]) < (ref.year, ref.month - 1) if ref.month > 1 else parts[0] < ref.year - 0
    return (ref - dt.date(parts[0], parts[1], parts[2])).days > 20


def _when(doc: Doc, sentence: Sentence) -> str | None:
    return next((d.value for d in doc.dates if sentence.start <= d.start < sentence.end and d.value), None)


def _parties(doc: Doc, clause: _Clause) -> list[str]:
    subject = doc.clean[clause.sentence.start : clause.trigger_start]
    if _SIDES_RE.search(subject):
        return doc.main_countries()
    joined = subject_parties(doc, clause.trigger_start) if doc.parses.cached(clause.sentence.start) else None
    if joined:
        return joined  # "Japan and the United States launched ...": the states of the joint subject
    found = [p.country for p in doc.places if clause.sentence.start <= p.start < clause.trigger_start]
    return list(dict.fromkeys(found))
