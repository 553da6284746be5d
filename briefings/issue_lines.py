"""An issue's lines: the newest fact about it as an event line, each change of its status with the
fact that caused it, and a line kept only when it is about the issue (its topic's cue words)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from briefings.brief_lines import LineKey, PendingLines
from briefings.extract.topics import Taxonomy
from briefings.models import IssueRecord, StatusChange
from briefings.views import STATUS_LABEL, IssueLine, IssueStep

#: issues sorted by status: open first, resolved last
STATUS_ORDER = {"open": 0, "progress": 1, "resolved": 2}

#: a fact on an issue, with the line asked for it
IssueKey = tuple[StatusChange, LineKey]
#: a change of status, with the line asked for the fact that caused it (None: no fact)
StepKey = tuple[IssueStep, LineKey | None]


def short_label(label: str) -> str:
    """The label up to its first colon or comma ("Overall ties" of "Overall ties: stabilising …")."""
    return re.split(r"[:,;(]", label, maxsplit=1)[0].strip() or label


def _cue(topic: str, evidence: str, taxonomy: Taxonomy | None) -> str | None:
    """The words of ``evidence`` that name ``topic`` (the line is asked to keep them), if any."""
    if taxonomy is None:
        return None
    hit = next((h for h in taxonomy.hits(evidence) if h.slug == topic), None)
    return evidence[hit.start : hit.end] if hit else None


def on_topic(line: str | None, topic: str, taxonomy: Taxonomy | None) -> str | None:
    """The line, or None when it is about something else than ``topic`` (a line about something
    else is worse than none)."""
    if line is not None and taxonomy is not None and topic not in taxonomy.topic_set(line):
        return None
    return line


def change_key(
    topic: str, evidence: str | None, lines: PendingLines, taxonomy: Taxonomy | None
) -> LineKey | None:
    """The line asked for the fact that changed an issue (None when there is no fact)."""
    if not evidence:
        return None
    return lines.want(evidence, _cue(topic, evidence, taxonomy))


def issue_history(
    record: IssueRecord, lines: PendingLines, taxonomy: Taxonomy | None = None
) -> list[StepKey]:
    """Each change of status (the first mention counts as one), with the fact that caused it."""
    steps: list[StepKey] = []
    ordered = sorted(record.history, key=lambda h: (h.date or "", h.article))
    for change in ordered:
        if steps and steps[-1][0].status == change.status:
            continue
        key = change_key(record.topic, change.evidence, lines, taxonomy)
        step = IssueStep(
            date=change.date,
            status=change.status,
            status_label=STATUS_LABEL.get(change.status, change.status),
            sources=[change.article],
        )
        steps.append((step, key))
    return steps


def issue_candidates(record: IssueRecord, lines: PendingLines, taxonomy: Taxonomy | None) -> list[IssueKey]:
    """The newest facts on an issue (up to three), each asked for a line about the issue's cue."""
    out: list[IssueKey] = []
    for change in reversed(record.history):
        if not change.evidence:
            continue
        out.append((change, lines.want(change.evidence, _cue(record.topic, change.evidence, taxonomy))))
        if len(out) == 3:
            break
    return out


def about(
    topic: str, candidates: list[IssueKey], lines: PendingLines, taxonomy: Taxonomy | None
) -> tuple[StatusChange, str] | None:
    """The newest candidate whose line is about the issue (its line names the topic); None when no
    line is: an issue is better shown without a line than with one about something else."""
    for change, key in candidates:
        line = lines[key]
        if taxonomy is None or topic in taxonomy.topic_set(line):
            return change, line
    return None


def issue_line(
    record: IssueRecord,
    labels: Mapping[str, str],
    latest_fact: tuple[StatusChange, str] | None,
    history: list[StepKey],
    lines: PendingLines,
    taxonomy: Taxonomy | None = None,
) -> IssueLine:
    """The issue's line: status, the line of its newest fact about it, its history of changes."""
    latest = record.history[-1] if record.history else None
    label = labels.get(record.topic, record.topic)
    steps = []
    for step, key in history:
        # a fact that moved the issue but whose line is about something else gets no line
        line = on_topic(lines[key] if key else None, record.topic, taxonomy)
        steps.append(step.model_copy(update={"what": line}))
    return IssueLine(
        topic=record.topic,
        label=label,
        short=short_label(label),
        status=record.status,
        status_label=STATUS_LABEL.get(record.status, record.status),
        latest=latest_fact[1] if latest_fact else None,
        date=latest.date if latest else None,
        sources=[latest_fact[0].article] if latest_fact else ([latest.article] if latest else []),
        history=steps,
        sentence=(latest_fact[0].evidence or None) if latest_fact else None,
    )
