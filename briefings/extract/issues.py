"""Issues: the taxonomy topics an article covers, each with a status (open / progress / resolved).

A topic is covered with one strong trigger, or weak ones in two sentences (one is enough when an
agreement of the article is about it). Triggers in background sentences (about an earlier year) do not count,
nor triggers inside the name of a body ("National Security Council") or a dateline ("JERUSALEM –"), nor a
weak (general) word inside a Title-Case name ("Asia-Pacific Economic Cooperation"); in a sentence that
lists many topics at once every trigger counts as a weak one. A topic resting on weak cues alone
counts only those that head an argument of their clause (``cue_roles.py``, from the parse).
Status comes from the cue lists (``data/status.toml``) counted over the topic's sentences; an
agreement on the topic counts as progress.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from ..models import Agreement, IssueMention, Span
from .cue_roles import weak_cue_counts
from .document import Doc
from .text import Sentence, squash
from .topics import Taxonomy, TopicHit, topic_rule_words

_STATUSES = ("open", "progress", "resolved")


def background_sentences(doc: Doc) -> set[int]:
    """Sentences that date themselves to a year before the article's."""
    years = [int(d.value[:4]) for d in doc.dates if d.value]
    current = doc.reference.date.year if doc.reference else (max(years) if years else None)
    if current is None:
        return set()
    out: set[int] = set()
    for d in doc.dates:
        if d.value and int(d.value[:4]) < current:
            sentence = doc.sentence_of(d.start)
            if sentence is not None:
                out.add(sentence.index)
    return out


_NAME_WORD_RE = re.compile(r"(?:[A-Z][a-z]+|[A-Z]{2,})(?=[\s,.;:)]|$)")
_LEFT_WORD_RE = re.compile(r"([A-Z][a-z]+) $")
_DATELINE_RE = re.compile(r"[ \t]*[–—-]\s")


def _inside_body_name(text: str, hit: TopicHit, covered: set[int]) -> bool:
    """A cue inside a longer Title-Case name that ends in a body's head word ("National Security
    Council", "Financial Intelligence Unit", "International Partners Group") names the body, not a
    topic. Words of another cue ("United Nations Security Council") do not extend the name."""
    heads = topic_rule_words("body_heads")
    cue = text[hit.start : hit.end]
    if not cue[:1].isupper() or cue.isupper():
        return False
    start, end = hit.start, hit.end
    while (m := _LEFT_WORD_RE.search(text, max(0, start - 30), start)) and m.start(1) not in covered:
        start = m.start(1)
    last = cue.split()[-1]
    while (
        (m := _NAME_WORD_RE.match(text, end + 1)) and text[end : end + 1] == " " and m.start() not in covered
    ):
        end, last = m.end(), m.group()
    return (start, end) != (hit.start, hit.end) and last in heads


def _dateline(text: str, hit: TopicHit) -> bool:
    """An ALL-CAPS place opening a paragraph before a dash ("JERUSALEM – ...") is a dateline."""
    cue = text[hit.start : hit.end]
    line_start = text.rfind("\n", 0, hit.start) + 1
    return (
        cue.isupper() and not text[line_start : hit.start].strip() and bool(_DATELINE_RE.match(text, hit.end))
    )


_CAP_WORD_RE = re.compile(r"[A-Z][\w’'.-]*")
_NAME_LINK_RE = re.compile(r"(?:\s+(?:and|of|for|on|&)\s+|\s+|-)$")


def _weak_in_name(text: str, hit: TopicHit) -> bool:
    """A general word is part of a proper name when it is capitalised between other capitalised
    words ("Asia-Pacific Economic Cooperation", "Financial Crimes Enforcement Network", "Just Energy
    Transition Partnership"): the name is a thing of its own, not a mention of the general topic.
    A word opening a sentence or a line is not taken for part of a name by its capital alone."""
    cue = text[hit.start : hit.end]
    if hit.strong or not cue[:1].isupper() or cue.isupper():
        return False
    after = re.match(r"(?:\s+(?:and|of|for|on|&)\s+|\s+)([A-Z][a-z]\w*)", text[hit.end : hit.end + 30])
    if after is not None and after.group(1) not in _FUNCTION_CAPS:
        return True
    left = text[max(0, hit.start - 30) : hit.start]
    link = _NAME_LINK_RE.search(left)
    if link is None:
        return False
    word = re.search(r"([A-Z][\w’'.-]*[\w’'])$", left[: link.start()])  # "Monday." ends a sentence
    return (
        word is not None
        and word.group(1) not in _FUNCTION_CAPS
        and not _opens_sentence(text, hit.start - len(left) + word.start(1))
    )


_FUNCTION_CAPS = frozenset(
    {"The", "A", "An", "This", "These", "Our", "Their", "In", "On", "For", "And", "To", "U.S."}
)


def _opens_sentence(text: str, pos: int) -> bool:
    before = text[max(0, pos - 3) : pos]
    return pos == 0 or "\n" in before or bool(re.search(r"[.!?:]\s+$", before))


LIST_TOPICS = 5


def _list_sentences(by_topic: dict[str, list[tuple[TopicHit, Sentence]]]) -> set[int]:
    """Sentences that name many topics at once ("cooperation on growth; energy; maritime issues;
    health; ..."): a list of topics is a mention of each, so its cues count as weak ones."""
    topics: dict[int, set[str]] = defaultdict(set)
    for slug, hits in by_topic.items():
        for _, sentence in hits:
            topics[sentence.index].add(slug)
    return {i for i, slugs in topics.items() if len(slugs) >= LIST_TOPICS}


def extract_issues(doc: Doc, taxonomy: Taxonomy, agreements: list[Agreement]) -> list[IssueMention]:
    skip = background_sentences(doc)
    by_topic: dict[str, list[tuple[TopicHit, Sentence]]] = defaultdict(list)
    found = taxonomy.hits(doc.clean)
    covered = {h.start for h in found}
    for hit in found:
        if (
            _inside_body_name(doc.clean, hit, covered)
            or _dateline(doc.clean, hit)
            or _weak_in_name(doc.clean, hit)
        ):
            continue
        sentence = doc.sentence_of(hit.start)
        if sentence is not None and sentence.index not in skip:
            by_topic[hit.slug].append((hit, sentence))
    agreed = Counter(a.topic for a in agreements)
    listing = _list_sentences(by_topic)
    out: list[IssueMention] = []
    for topic in taxonomy.topics:
        hits = by_topic.get(topic.slug, [])
        strong = sum(1 for h, s in hits if h.strong and s.index not in listing)
        weak = len({s.index for h, s in hits if not h.strong})  # weak cues count once per sentence
        if not strong and (weak >= 2 or (weak and agreed[topic.slug])):
            others = [h for h in found if h.slug != topic.slug]
            weak = len({s.index for h, s in hits if not h.strong and weak_cue_counts(doc, h, others)})
        if not (strong or weak >= 2 or (weak and agreed[topic.slug])):
            continue
        sentences = list(dict.fromkeys(s for _, s in hits))
        out.append(
            IssueMention(
                topic=topic.slug,
                status=_status(doc, taxonomy, sentences, agreed[topic.slug]),
                evidence=squash(doc.text[sentences[0].start : sentences[0].end])[:300],
                spans=[Span(start=h.start, end=h.end) for h, _ in hits],
            )
        )
    out.sort(key=lambda i: min(s.start for s in i.spans))
    return out


def _status(doc: Doc, taxonomy: Taxonomy, sentences: list[Sentence], agreements: int) -> str:
    cues = taxonomy.status
    score: Counter[str] = Counter({"progress": agreements})
    for sentence in sentences:
        text = doc.clean[sentence.start : sentence.end]
        future = bool(cues.future and cues.future.search(text))
        for status, pattern in (
            ("open", cues.open),
            ("progress", cues.progress),
            ("resolved", cues.resolved),
        ):
            if pattern is None:
                continue
            n = len(pattern.findall(text))
            score["progress" if status == "resolved" and future else status] += n
    best = max(_STATUSES, key=lambda s: (score[s], s == "progress", s == "open"))
    if score[best] == 0:
        return "progress" if agreements else "open"
    return best
