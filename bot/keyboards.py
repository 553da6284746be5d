"""Inline keyboards. Callback data is ``<kind>:<value>`` and never longer than Telegram's 64 bytes."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

MAX_CALLBACK_BYTES = 64
BRIEF = "brief"
WHO = "who"
BEAT_SEPARATOR = "|"  # brief:<beat>|<topic> for a beat other than the default one


def callback(kind: str, value: str) -> str | None:
    data = f"{kind}:{value}"
    return data if len(data.encode("utf-8")) <= MAX_CALLBACK_BYTES else None


def parse_callback(data: str | None) -> tuple[str, str] | None:
    if not data or ":" not in data:
        return None
    kind, value = data.split(":", 1)
    return kind, value


CURRENT = "• "
WHOLE_BEAT = "*"


def brief_value(topic: str, beat: str | None = None) -> str:
    """The value of a brief button: the topic (or ``*``), prefixed by the beat when not the default."""
    return f"{beat}{BEAT_SEPARATOR}{topic}" if beat else topic


def parse_brief_value(value: str) -> tuple[str | None, str]:
    """(beat or None for the default one, topic or ``*``)."""
    if BEAT_SEPARATOR in value:
        beat, topic = value.split(BEAT_SEPARATOR, 1)
        return beat or None, topic or WHOLE_BEAT
    return None, value


def beats_keyboard(beats: Sequence[tuple[str, str]], *, default: str) -> InlineKeyboardMarkup:
    """One button per beat (slug, name), opening its whole brief."""
    rows = []
    for slug, name in beats:
        data = callback(BRIEF, brief_value(WHOLE_BEAT, None if slug == default else slug))
        if data is not None:
            rows.append([InlineKeyboardButton(name[:60], callback_data=data)])
    return InlineKeyboardMarkup(rows)


def topics_keyboard(
    topics: Sequence[tuple[str, str]],
    *,
    columns: int = 2,
    current: str | None = None,
    beat: str | None = None,
) -> InlineKeyboardMarkup:
    """A button per topic and one for the whole beat; ``current`` (a slug, or ``*`` for the whole
    beat) is marked, so that pressing it again can be recognised. ``beat``: a beat other than the
    default one, carried in each button."""
    buttons = []
    for slug, label in topics:
        data = callback(BRIEF, brief_value(slug, beat))
        if data is None:
            continue
        text = f"{CURRENT}{label}" if slug == current else label
        buttons.append(InlineKeyboardButton(text[:60], callback_data=data))
    all_data = callback(BRIEF, brief_value(WHOLE_BEAT, beat))
    rows = [buttons[i : i + columns] for i in range(0, len(buttons), columns)]
    if all_data is not None:
        label = f"{CURRENT}Whole beat" if current == WHOLE_BEAT else "Whole beat"
        rows.append([InlineKeyboardButton(label, callback_data=all_data)])
    return InlineKeyboardMarkup(rows)


def marked_data(markup: InlineKeyboardMarkup | None) -> str | None:
    """The callback data of the button marked as what the message shows now."""
    if markup is None:
        return None
    for row in markup.inline_keyboard:
        for button in row:
            if button.text.startswith(CURRENT) and isinstance(button.callback_data, str):
                return button.callback_data
    return None


def people_keyboard(names: Sequence[str]) -> InlineKeyboardMarkup:
    rows = []
    for name in names:
        data = callback(WHO, name)
        if data is not None:
            rows.append([InlineKeyboardButton(name[:60], callback_data=data)])
    return InlineKeyboardMarkup(rows)


# --------------------------------------------------------------------------- the brief's screens

SCREEN = "s"  # s:<version>:<beat index>:<section code>:<page>:<topic>
TOPICS = "t"  # t:<beat index>: the topic list of a beat
FIRST = "f"
SECTION_CODES = {
    "o": "officials",
    "a": "agreements",
    "i": "issues",
    "t": "timeline",
    "c": "coming-up",
    "d": "disagreements",
    "s": "sources",
}
CODE_OF = {name: code for code, name in SECTION_CODES.items()}
SECTION_ROWS = (("officials", "agreements", "issues"), ("timeline", "coming-up", "disagreements"))


def screen_data(version: int, beat: int, section: str | None, page: int, topic: str | None) -> str | None:
    code = FIRST if section is None else CODE_OF[section]
    return callback(SCREEN, f"{version}:{beat}:{code}:{page}:{topic or ''}")


def parse_screen(value: str) -> tuple[int, int, str | None, int, str | None] | None:
    """(version, beat index, section or None, page, topic or None) of a screen button."""
    parts = value.split(":", 4)
    if len(parts) != 5 or not parts[0].isdigit() or not parts[1].isdigit() or not parts[3].isdigit():
        return None
    code = parts[2]
    if code != FIRST and code not in SECTION_CODES:
        return None
    section = None if code == FIRST else SECTION_CODES[code]
    return int(parts[0]), int(parts[1]), section, int(parts[3]), parts[4] or None


def screen_keyboard(
    labels: dict[str, str],
    *,
    version: int,
    beat: int,
    topic: str | None,
    section: str | None,
    page: int = 1,
    pages: int = 1,
) -> InlineKeyboardMarkup:
    """Under the first screen: a button per section (and the topics); under a section: ◀ ▶ when it
    has several pages, and the way back to the brief."""
    rows: list[list[InlineKeyboardButton]] = []

    def button(text: str, data: str | None) -> InlineKeyboardButton | None:
        return InlineKeyboardButton(text, callback_data=data) if data is not None else None

    if section is None:
        for names in SECTION_ROWS:
            row = [button(labels[n], screen_data(version, beat, n, 1, topic)) for n in names]
            rows.append([b for b in row if b is not None])
        last = [
            button(labels["sources"], screen_data(version, beat, "sources", 1, topic)),
            button("Topics", callback(TOPICS, str(beat))),
        ]
        rows.append([b for b in last if b is not None])
        return InlineKeyboardMarkup(rows)
    if pages > 1:
        paging = [
            button("◀", screen_data(version, beat, section, page - 1, topic)) if page > 1 else None,
            button(f"{page}/{pages}", screen_data(version, beat, section, page, topic)),
            button("▶", screen_data(version, beat, section, page + 1, topic)) if page < pages else None,
        ]
        rows.append([b for b in paging if b is not None])
    back = button("↩ Brief", screen_data(version, beat, None, 1, topic))
    if back is not None:
        rows.append([back])
    return InlineKeyboardMarkup(rows)
