"""Text from the outside (file names, URLs, feed titles) made safe to print on a terminal.

Control characters (ESC starts a terminal escape sequence), line and paragraph separators, and
bidirectional overrides and isolates (which reorder what follows them) are shown escaped, as
Python writes them (``\\x1b``, ``\\u202e``), so a printed name stays one line and means what it says.
"""

from __future__ import annotations

import re

_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with every character that would act on the terminal shown escaped."""
    return _UNPRINTABLE.sub(_escaped, text)


def _escaped(m: re.Match[str]) -> str:
    return m.group().encode("unicode_escape").decode("ascii")
