"""Event lines for the views, remembered per sentence: a brief is rebuilt for every picture version
and topic, and most of its sentences were shortened before (parsing is the costly part)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from briefings.eventlines import LIMIT, event_lines

#: builds one line per sentence, ``focus`` (a person's name, or None) per sentence
LineMaker = Callable[[Sequence[str], Sequence[str | None]], list[str]]

MAX_REMEMBERED = 20_000

_lock = threading.Lock()
_remembered: dict[tuple[str, str | None], str] = {}


def make_lines(sentences: Sequence[str], focus: Sequence[str | None]) -> list[str]:
    """One event line per sentence (at most ``LIMIT`` characters, in the sentence's own words)."""
    keys = list(zip(sentences, focus, strict=True))
    with _lock:
        missing = list(dict.fromkeys(k for k in keys if k not in _remembered))
    if missing:
        built = event_lines([s for s, _ in missing], limit=LIMIT, focus=[f for _, f in missing])
        with _lock:
            if len(_remembered) + len(missing) > MAX_REMEMBERED:
                _remembered.clear()
            _remembered.update(zip(missing, built, strict=True))
    with _lock:
        return [_remembered.get(k) or _fallback(k[0]) for k in keys]


def _fallback(sentence: str) -> str:
    """A line whose sentence was forgotten between the two locks (the table was cleared)."""
    return event_lines([sentence], limit=LIMIT)[0]
