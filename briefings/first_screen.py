"""The brief's first screen and lead, chosen from a built brief.

The first screen (:class:`FirstScreen`) holds the newest developments, the open and moving issues
with one line on why, the number of agreements, the key people and the next scheduled event; the
lead (for the JSON) says in 2–4 sentences what is newest, agreed, open and moving. The words that
make a line a development are data: ``brief_data.toml`` beside this module.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

from briefings.brief_lines import days_before, id_order
from briefings.issue_lines import STATUS_ORDER
from briefings.views import Brief, FirstScreen, TimelineLine, newest_first

DEVELOPMENTS = 3  # newest developments on the first screen
SCREEN_ISSUES = 3  # issues with a line on why on the first screen; the others are named
SCREEN_PEOPLE = 8
RECENT_DAYS = 10  # developments are chosen among the lines of the newest days
RESOLVED_DAYS = 90  # a resolved issue stays on the first screen this long


@lru_cache(maxsize=2)
def _words(key: str) -> frozenset[str]:
    with Path(__file__).with_name("brief_data.toml").open("rb") as fh:
        return frozenset(str(w) for w in tomllib.load(fh).get(key, []))


def lead(brief: Brief) -> list[tuple[str, list[str]]]:
    """2–4 sentences, each with the ids of its articles: the newest development, what was agreed,
    what is open, what is moving (kept for the JSON's ``lead``)."""
    sentences: list[tuple[str, list[str]]] = []
    if brief.timeline:
        newest = max(brief.timeline, key=lambda t: (t.date, t.count))
        sentences.append((f"Latest ({newest.date}): {_sentence(newest.what)}", list(newest.sources)))
    elif brief.officials:
        sentences.append((f"Most cited: {', '.join(o.name for o in brief.officials[:3])}.", []))
    if brief.agreements:
        top = sorted(brief.agreements, key=lambda a: (-a.outlets, newest_first(a.latest), a.text))[:3]
        agreed = "; ".join(a.text.rstrip(".") for a in top)
        sentences.append((f"Agreed: {agreed}.", sorted({i for a in top for i in a.sources}, key=id_order)))
    for label, status in (("Still open", "open"), ("In progress", "progress")):
        issues = [i for i in brief.issues if i.status == status]
        if issues:
            ids = sorted({a for i in issues for a in i.sources}, key=id_order)
            sentences.append((f"{label}: {'; '.join(i.label for i in issues)}.", ids))
    return sentences[:4]


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def developments(brief: Brief) -> list[TimelineLine]:
    """The newest developments: among the lines of the newest days, those most reported that say
    someone did something (met, agreed, visited) and name a key person; newest first."""
    if not brief.timeline:
        return []
    newest = max(t.date[:10] for t in brief.timeline)
    floor = days_before(newest, RECENT_DAYS) if len(newest) == 10 else newest
    recent = [t for t in brief.timeline if t.date[:10] >= floor[: len(t.date[:10])]]
    if len(recent) < DEVELOPMENTS * 2:
        recent = brief.timeline[-DEVELOPMENTS * 3 :]
    news, commitments = _words("news_words"), _words("commitment_words")
    names = {w for o in brief.officials for w in [*o.name.split(), *o.aliases] if len(w) > 2}

    def score(t: TimelineLine) -> tuple[int, str]:
        tokens = set(re.findall(r"[\w’'-]+", t.what))
        lowered = {w.lower() for w in tokens}
        said = 2 * bool(lowered & news) + bool(lowered & commitments)
        return (min(t.count, 3) + said + bool(tokens & names), t.date)

    chosen: list[TimelineLine] = []
    ranked = sorted(recent, key=score, reverse=True)
    clear = [t for t in ranked if not _vague(t.what)]
    # lines that say someone did something (or that several sources report) first; a bare
    # remark ("enquiries had picked up") only when there is nothing else, and a line whose object
    # is in another sentence ("raised it") last
    strong = [t for t in clear if score(t)[0] >= 2]
    for line in strong + [t for t in clear if t not in strong] + [t for t in ranked if t not in clear]:
        if all(line.what != c.what for c in chosen):
            chosen.append(line)
        if len(chosen) == DEVELOPMENTS:
            break
    return sorted(chosen, key=lambda t: t.date, reverse=True)


def _vague(line: str) -> bool:
    """The line's object is a pronoun whose meaning is in another sentence ("X raised it with Y");
    a pronoun opening the line is its subject, not counted."""
    words = re.findall(r"[\w’'-]+", line)
    return any(w.lower() in _words("vague_objects") for w in words[1:])


def first_screen(brief: Brief, agreements: int) -> FirstScreen:
    """The newest developments, the moving issues with their latest line, the rest named, the
    count of agreements, the key people, the next event."""
    recent = days_before(brief.as_of, RESOLVED_DAYS) if brief.as_of else ""
    moving = [
        i
        for i in brief.issues
        if i.status in ("open", "progress")
        or (i.status == "resolved" and (i.date or "") >= recent[: len(i.date or "")])
    ]
    moving.sort(key=lambda i: (newest_first(i.date), STATUS_ORDER.get(i.status, 3), i.label))
    explained = [i for i in moving if i.latest and i.status != "resolved"][:SCREEN_ISSUES]
    others = sorted(
        (i for i in moving if i not in explained), key=lambda i: (STATUS_ORDER.get(i.status, 3), i.short)
    )
    upcoming = [c for c in brief.coming_up if not c.due]
    return FirstScreen(
        title=brief.title,
        as_of=brief.as_of,
        developments=developments(brief),
        issues=explained,
        other_issues=others,
        agreements=agreements,
        people=[o.name for o in brief.officials[:SCREEN_PEOPLE]],
        coming_up=upcoming[0] if upcoming else None,
        empty=brief.empty,
    )
