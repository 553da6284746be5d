"""Issues: the taxonomy topics an article covers, each with a status (open / progress / resolved).

A topic is covered with one strong trigger, or weak ones in two sentences (one is enough when an
agreement of the article is about it). Triggers in background sentences (about an earlier year) do not count.
Status comes from the cue lists (``data/status.toml``) counted over the topic's sentences; an
agreement on the topic counts as progress.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from ..models import Agreement, IssueMention, Span
from .document import Doc
from .text import Sentence, squash
from .topics import Taxonomy, TopicHit

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


def extract_issues(doc: Doc, taxonomy: Taxonomy, agreements: list[Agreement]) -> list[IssueMention]:
    skip = background_sentences(doc)
    by_topic: dict[str, list[tuple[TopicHit, Sentence]]] = defaultdict(list)
    for hit in taxonomy.hits(doc.clean):
        sentence = doc.sentence_of(hit.start)
        if sentence is not None and sentence.index not in skip:
            by_topic[hit.slug].append((hit, sentence))
    agreed = Counter(a.topic for a in agreements)
    out: list[IssueMention] = []
    for topic in taxonomy.topics:
        hits = by_topic.get(topic.slug, [])
        strong = sum(1 for h, _ in hits if h.strong)
        weak = len({s.index for h, s in hits if not h.strong})  # weak cues count once per sentence
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
