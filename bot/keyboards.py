"""Inline keyboards. Callback data is ``<kind>:<value>`` and never longer than Telegram's 64 bytes."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

MAX_CALLBACK_BYTES = 64
BRIEF = "brief"
WHO = "who"


def callback(kind: str, value: str) -> str | None:
    data = f"{kind}:{value}"
    return data if len(data.encode("utf-8")) <= MAX_CALLBACK_BYTES else None


def parse_callback(data: str | None) -> tuple[str, str] | None:
    if not data or ":" not in data:
        return None
    kind, value = data.split(":", 1)
    return kind, value


def topics_keyboard(
    topics: Sequence[tuple[str, str]], *, columns: int = 2, current: str | None = None
) -> InlineKeyboardMarkup:
    buttons = []
    for slug, label in topics:
        data = callback(BRIEF, slug)
        if data is None:
            continue
        text = f"• {label}" if slug == current else label
        buttons.append(InlineKeyboardButton(text[:60], callback_data=data))
    all_data = callback(BRIEF, "*")
    rows = [buttons[i : i + columns] for i in range(0, len(buttons), columns)]
    if all_data is not None:
        rows.append([InlineKeyboardButton("Whole beat", callback_data=all_data)])
    return InlineKeyboardMarkup(rows)


def people_keyboard(names: Sequence[str]) -> InlineKeyboardMarkup:
    rows = []
    for name in names:
        data = callback(WHO, name)
        if data is not None:
            rows.append([InlineKeyboardButton(name[:60], callback_data=data)])
    return InlineKeyboardMarkup(rows)
