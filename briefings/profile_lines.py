"""A person's profile finished with event lines about them (:func:`finish_profile`)."""

from __future__ import annotations

from briefings.brief_lines import PendingLines, dated_once, default_lines, mentions, surname
from briefings.lines import LineMaker
from briefings.models import PersonRecord
from briefings.views import Profile, TimelineLine


def finish_profile(profile: Profile, person: PersonRecord, *, lines: LineMaker | None = None) -> Profile:
    """A profile's actions as event lines about the person (one per sentence, dated by its first
    date; a line that does not name them, or says nothing, is left out)."""
    pending = PendingLines(default_lines(lines))
    actions = _one_per_sentence(profile.actions)
    keys = [pending.want(a.sentence or a.what, surname(person)) for a in actions]
    pending.run()
    kept = []
    for action, key in zip(actions, keys, strict=True):
        line = pending[key]
        if line and mentions(line, person):
            kept.append(action.model_copy(update={"what": line}))
    profile.actions = kept
    return profile


def _one_per_sentence(actions: list[TimelineLine]) -> list[TimelineLine]:
    """One action per sentence, under the date its event takes, oldest first."""
    by_text: dict[str, list[TimelineLine]] = {}
    for action in actions:
        by_text.setdefault(action.sentence or action.what, []).append(action)
    out = []
    for group in by_text.values():
        date = dated_once([a.date for a in group])
        out.append(next(a for a in group if a.date == date))
    out.sort(key=lambda a: a.date)
    return out
