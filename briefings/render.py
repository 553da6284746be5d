"""Rendering: one autoescaped Jinja2 environment over ``templates/``; Telegram-HTML chunks of <= 4096.

The top-level ``templates/`` folder is installed as the package ``briefings.templates``
(pyproject.toml maps it), so the templates are package resources in a checkout, an editable install
and a wheel alike.

Telegram counts a message's length in UTF-16 code units of the visible text (after entity
parsing). Views are split at section, then line boundaries, never inside a tag or an entity, and
every chunk is valid HTML on its own.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup
from pydantic import BaseModel

TELEGRAM_LIMIT = 4096
#: the package whose resources are the templates (the repository's top-level ``templates/``)
TEMPLATES = "briefings.templates"
_TAG = re.compile(r"<[^>]*>")
_BLANKS = re.compile(r"\n{3,}")
_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _finalize(value: Any) -> Any:
    """Every value printed by a template: line breaks made spaces (a value never spans lines, so
    a message can be split at any line), control characters (NUL included) removed (markup a
    template made itself, such as a macro's output, stays markup)."""
    if isinstance(value, Markup):
        return value
    if isinstance(value, str):  # one value never spans lines: every line stands on its own
        return _CONTROL.sub("", _BREAKS.sub(" ", value))
    return value


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def visible_text(fragment: str) -> str:
    """The text Telegram shows for an HTML fragment: tags removed, entities decoded."""
    return html.unescape(_TAG.sub("", fragment))


def visible_len(fragment: str) -> int:
    return utf16_len(visible_text(fragment))


def _status_icon(status: str) -> str:
    return {"open": "🔴", "progress": "🟡", "resolved": "🟢"}.get(status, "•")


_LINK = re.compile(r"^https?://(?P<host>[^\s/?#@:\[\]<>\"']+)(?::\d{1,5})?(?:[/?#][^\s<>\"']*)?$", re.I)


def _safe_url(url: str | None) -> str | None:
    """Only links Telegram takes go into href: http(s), a host name with a dot (Telegram refuses
    ``localhost``, IPv6 literals and bare names), no user or password (which would be shown to
    every reader); anything else is shown as text or not at all."""
    match = _LINK.match(url) if url else None
    if match is None:
        return None
    host = match.group("host")
    if "." not in host or host.startswith(".") or host.endswith(".") or ".." in host:
        return None
    return url


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


@lru_cache(maxsize=4)
def environment(templates: str = TEMPLATES, *, html: bool = True) -> Environment:
    """The HTML environment escapes every value; the plain-text one (terminal output) does not.
    ``templates`` names the package holding them (``telegram/*.html.j2``, ``text/*.txt.j2``)."""
    env = Environment(
        loader=PackageLoader(templates, ""),
        autoescape=html,  # explicit: select_autoescape() would not escape *.j2 names
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        undefined=StrictUndefined,
        finalize=_finalize,
    )
    env.filters["status_icon"] = _status_icon
    env.filters["plural"] = _plural
    env.filters["safe_url"] = _safe_url
    env.filters["day"] = _day
    return env


def render(template: str, view: BaseModel | None = None, **extra: Any) -> str:
    """Render ``telegram/<name>.html.j2`` or ``text/<name>.txt.j2`` with a view's fields."""
    context: dict[str, Any] = {}
    if view is not None:
        context.update({name: getattr(view, name) for name in type(view).model_fields})
        context["view"] = view
    context.update(extra)
    text = environment(html=template.endswith(".html.j2")).get_template(template).render(**context)
    return _BLANKS.sub("\n\n", text).strip() + "\n"


def render_text(name: str, view: BaseModel | None = None, **extra: Any) -> str:
    return render(f"text/{name}.txt.j2", view, **extra)


def render_telegram(name: str, view: BaseModel | None = None, **extra: Any) -> list[str]:
    """Rendered Telegram HTML, split into messages that each fit and parse on their own."""
    return split_messages(render(f"telegram/{name}.html.j2", view, **extra).strip())


# --------------------------------------------------------------------------- splitting


def split_messages(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split at blank lines (sections), then lines; an over-long line is cut as plain text."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0

    def flush() -> None:
        nonlocal current, size
        body = "\n".join(current).strip("\n")
        if body.strip():
            chunks.append(body)
        current, size = [], 0

    for section in text.split("\n\n"):
        lines = section.split("\n")
        section_len = sum(visible_len(line) for line in lines) + len(lines) - 1
        sep = 2 if current else 0
        if current and size + sep + section_len <= limit:
            current.extend(["", *lines])
            size += sep + section_len
            continue
        if current:
            flush()
        for line in lines:
            line_len = visible_len(line)
            if line_len > limit:
                if current:
                    flush()
                chunks.extend(_cut_plain(visible_text(line), limit))
                continue
            sep = 1 if current else 0
            if size + sep + line_len > limit:
                flush()
                sep = 0
            current.append(line)
            size += sep + line_len
    flush()
    return chunks


def _cut_plain(text: str, limit: int) -> list[str]:
    """Cut plain text into escaped pieces of at most ``limit`` UTF-16 units, at spaces when possible."""
    pieces: list[str] = []
    rest = text
    while rest:
        if utf16_len(rest) <= limit:
            pieces.append(rest)
            break
        cut = _fit(rest, limit)
        space = rest.rfind(" ", 0, cut)
        if space > cut // 2:
            cut = space
        pieces.append(rest[:cut])
        rest = rest[cut:].lstrip(" ")
    return [html.escape(p, quote=False) for p in pieces if p.strip()]


def _fit(text: str, limit: int) -> int:
    """The largest prefix length (in code points) whose UTF-16 length is within the limit."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return max(1, index)
    return len(text)


# --------------------------------------------------------------------------- the first screen and sections

SCREEN_LIMIT = 1200  # visible characters of the first screen and of one page of a section
#: the sections one tap away from the first screen: slug -> button label
SECTIONS = {
    "officials": "Officials",
    "agreements": "Agreements",
    "issues": "Issues",
    "timeline": "Timeline",
    "coming-up": "Coming up",
    "disagreements": "Disagreements",
    "sources": "Sources",
}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day(date: str | None) -> str:
    """ "2025-06-12" -> "12 Jun 2025", "2025-06" -> "Jun 2025", "2025" -> "2025"."""
    if not date:
        return ""
    parts = date.split("-")
    try:
        if len(parts) >= 3:
            return f"{int(parts[2])} {_MONTHS[int(parts[1]) - 1]} {parts[0]}"
        if len(parts) == 2:
            return f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        return date
    return date


def _refs(brief: Any) -> dict[str, Any]:
    return {s.id: s for s in brief.sources if s.id is not None}


def first_screen_message(brief: Any, *, html: bool = True, limit: int = SCREEN_LIMIT) -> str:
    """The brief's first screen as one message within ``limit`` visible characters: when it is
    longer, the least important lines go first (people beyond five, the issues' lines on why, the
    next event, the third development, issues named only)."""
    name = "telegram/first_screen.html.j2" if html else "text/first_screen.txt.j2"
    return _fitted(brief.first_screen, name, _refs(brief), _shrink_screen, limit, html=html)


def digest_message(digest: Any, *, limit: int = SCREEN_LIMIT) -> str:
    """A digest as one message within ``limit`` visible characters (later due dates, older
    developments and the last issues go first when it is longer)."""
    return _fitted(digest, "telegram/digest.html.j2", digest.refs, _shrink_digest, limit, html=True)


def _fitted(view: Any, name: str, refs: Any, shrink: Any, limit: int, *, html: bool) -> str:
    """``view`` rendered with ``name``, its least important line dropped by ``shrink`` (which
    replaces lists, never changes one in place, so a shallow copy is enough) until it fits; a
    view that cannot shrink further is kept within Telegram's own limit."""
    view = view.model_copy()
    while True:
        text = render(name, view, refs=refs).strip()
        if (visible_len(text) if html else len(text)) <= limit:
            return text
        if not shrink(view):
            return split_messages(text)[0] if html else text


def _shrink_screen(screen: Any) -> bool:
    """Drop the least important line of a first screen; False when nothing is left to drop. Every
    moving issue stays named as long as possible: its line on why goes before its name."""
    return (
        _drop_last(screen, "people", keep=5)
        or _name_only_last_issue(screen)
        or _drop_next_event(screen)
        or _drop_last(screen, "developments", keep=2)
        or _drop_last(screen, "other_issues", keep=6)
        or _drop_last(screen, "people", keep=2)
        or _drop_last(screen, "developments", keep=1)
        or _drop_last(screen, "other_issues", keep=0)
    )


def _shrink_digest(view: Any) -> bool:
    """Drop the least important line of a digest; False when nothing is left to drop."""
    return (
        _drop_last(view, "due", keep=1)
        or _drop_last(view, "developments", keep=1)
        or _drop_last(view, "status_changes", keep=1)
        or _drop_last(view, "due", keep=0)
    )


def _drop_last(view: Any, field: str, *, keep: int) -> bool:
    """Drop the last item of the list ``field`` when it has more than ``keep``."""
    items = getattr(view, field)
    if len(items) <= keep:
        return False
    setattr(view, field, items[:-1])
    return True


def _name_only_last_issue(screen: Any) -> bool:
    """The last issue with a line on why (when there are two or more) is named only."""
    if len(screen.issues) <= 1:
        return False
    screen.other_issues = [screen.issues[-1], *screen.other_issues]
    screen.issues = screen.issues[:-1]
    return True


def _drop_next_event(screen: Any) -> bool:
    if screen.coming_up is None:
        return False
    screen.coming_up = None
    return True


def section_pages(brief: Any, section: str, *, html: bool = True, limit: int = SCREEN_LIMIT) -> list[str]:
    """One section of the brief in pages of at most ``limit`` visible characters (a heading line
    on each); an empty section is one page that says so."""
    name = "telegram/section.html.j2" if html else "text/section.txt.j2"
    body = render(name, brief, section=section, refs=_refs(brief)).strip()
    blocks = [b for b in body.split("\n\n") if b.strip()]
    label = SECTIONS.get(section, section)
    heading = f"<b>{html_escape(brief.title)}</b> · {label}" if html else f"{brief.title} · {label}"
    if not blocks:
        return [f"{heading}\n\nNothing here yet."]
    measure = visible_len if html else len
    pages: list[list[str]] = [[]]
    room = limit - measure(heading) - 12  # the page number goes on the heading line
    used = 0
    for block in blocks:
        size = measure(block) + 2
        if pages[-1] and used + size > room:
            pages.append([])
            used = 0
        pages[-1].append(block)
        used += size
    total = len(pages)
    out = []
    for n, page in enumerate(pages, start=1):
        head = heading + (f" ({n}/{total})" if total > 1 else "")
        text = head + "\n\n" + "\n\n".join(page)
        out.extend(split_messages(text) if measure(text) > TELEGRAM_LIMIT else [text])
    return out


def html_escape(text: str) -> str:
    return html.escape(text, quote=False)
