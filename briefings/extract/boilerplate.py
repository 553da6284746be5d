"""Finding bylines, photo credits, captions and sign-offs that a cleaner may have left in.

The extractor never reads these stretches: they are blanked (offsets kept) before any rule runs.
"""

from __future__ import annotations

import re

from .lexicon import Credits

_LINE_RE = re.compile(r"[^\n]+")


def boilerplate_spans(text: str, credits: Credits) -> list[tuple[int, int]]:
    """Offsets of every stretch of ``text`` that is a credit, byline, caption or sign-off."""
    spans: list[tuple[int, int]] = []
    for line in _LINE_RE.finditer(text):
        body = line.group()
        offset = line.start() + (len(body) - len(body.lstrip()))
        stripped = body.strip()
        if credits.caption_credit.search(stripped):
            spans.append((line.start(), line.end()))
            continue
        for pattern in credits.line_patterns:
            m = pattern.match(stripped)
            if m and m.end() > 0:
                spans.append((offset, offset + m.end()))
                break
        for pattern in credits.inline_patterns:
            spans += [(line.start() + m.start(), line.start() + m.end()) for m in pattern.finditer(body)]
    return spans
