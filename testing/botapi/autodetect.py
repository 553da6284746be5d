"""The entities Telegram finds by itself in a text (bot commands, mentions, hashtags, cashtags,
URLs, e-mail addresses): tdlib's ``find_entities``, simplified. Part of :mod:`testing.botapi.entities`."""

from __future__ import annotations

import re
import unicodedata

from testing.botapi.entity import _PRIORITY, Entity

# --------------------------------------------------------------------------------------------------
# Automatic entities (tdlib find_entities, simplified URL detection)
# --------------------------------------------------------------------------------------------------


def _is_word_char(ch: str) -> bool:
    return ch == "_" or unicodedata.category(ch)[0] in ("L", "N")


def _is_hashtag_letter(ch: str) -> bool:
    o = ord(ch)
    if ch == "_" or o in (0x200C, 0xB7) or 0xD80 <= o <= 0xDFF:
        return True
    cat = unicodedata.category(ch)
    return cat == "Nd" or cat[0] == "L"


_ASCII_WORD = re.compile(r"[A-Za-z0-9_]*")
_TLD_LIST = (
    "com org net edu gov mil int info biz io ai app dev co me tv us uk eu de fr it es nl ru ua by kz pl "
    "cz ch at be se no fi dk ie pt gr tr il in cn jp kr br ar mx ca au nz za news online site tech xyz "
    "ly gl gg to cc ws fm am pro blog page store shop club"
)
_COMMON_TLDS = frozenset(_TLD_LIST.split())
_URL = re.compile(
    r"(?i)\b(?:(?:https?|ftp|tonsite)://[^\s<>\"'`]+"
    r"|(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,12}(?::[0-9]{1,5})?(?:[/?#][^\s<>\"'`]*)?)"
)
_EMAIL = re.compile(r"(?i)(?<![\w.+\-@])[a-z0-9._+\-]+@(?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\.)+[a-z]{2,12}\b")


def _prev(text: str, index: int) -> str:
    return text[index - 1] if index > 0 else ""


def _next(text: str, index: int) -> str:
    return text[index] if index < len(text) else ""


def _match_mentions(text: str) -> list[tuple[int, int]]:
    found = []
    pos = text.find("@")
    while pos != -1:
        prev = _prev(text, pos)
        if prev and _is_word_char(prev):
            pos = text.find("@", pos + 1)
            continue
        match = _ASCII_WORD.match(text, pos + 1)
        assert match is not None
        end = match.end()
        size = end - pos - 1
        nxt = _next(text, end)
        name = text[pos + 1 : end]
        if (
            2 <= size <= 32
            and not (nxt and _is_word_char(nxt))
            and (size >= 4 or name.lower() in ("gif", "vid", "pic"))
        ):
            found.append((pos, end))
        pos = text.find("@", max(end, pos + 1))
    return found


def _match_bot_commands(text: str) -> list[tuple[int, int]]:
    found = []
    pos = text.find("/")
    while pos != -1:
        prev = _prev(text, pos)
        if prev and (_is_word_char(prev) or prev in "/<>"):
            pos = text.find("/", pos + 1)
            continue
        match = _ASCII_WORD.match(text, pos + 1)
        assert match is not None
        end = match.end()
        ok = 1 <= end - pos - 1 <= 64
        if ok and _next(text, end) == "@":
            mention = _ASCII_WORD.match(text, end + 1)
            assert mention is not None
            ok = 3 <= mention.end() - end - 1 <= 32
            end = mention.end()
        nxt = _next(text, end)
        if ok and not (nxt and (_is_word_char(nxt) or nxt in "/<>")):
            found.append((pos, end))
        pos = text.find("/", max(end, pos + 1))
    return found


def _match_hashtags(text: str) -> list[tuple[int, int]]:
    found = []
    pos = text.find("#")
    while pos != -1:
        prev = _prev(text, pos)
        if prev and _is_hashtag_letter(prev):
            pos = text.find("#", pos + 1)
            continue
        end = pos + 1
        while end < len(text) and _is_hashtag_letter(text[end]):
            end += 1
        body = text[pos + 1 : end]
        cut = pos + 1 + min(len(body), 256)
        if body and _next(text, end) != "#" and any(unicodedata.category(ch)[0] == "L" for ch in body[:256]):
            found.append((pos, cut))
        pos = text.find("#", max(end, pos + 1))
    return found


def _match_cashtags(text: str) -> list[tuple[int, int]]:
    found = []
    for match in re.finditer(r"\$(1INCH|[A-Z]{1,8})", text):
        start, end = match.span()
        prev, nxt = _prev(text, start), _next(text, end)
        if prev and (_is_hashtag_letter(prev) or prev == "$"):
            continue
        if nxt and (_is_hashtag_letter(nxt) or nxt == "$"):
            continue
        found.append((start, end))
    return found


def _trim_url(url: str) -> str:
    balance = {"(": 0, "[": 0, "{": 0}
    closing = {")": "(", "]": "[", "}": "{"}
    for index, ch in enumerate(url):
        if ch in balance:
            balance[ch] += 1
        elif ch in closing:
            balance[closing[ch]] -= 1
            if balance[closing[ch]] < 0:
                url = url[:index]
                break
    while url and url[-1] in ".:;,('?!`":
        url = url[:-1]
    return url


def _match_urls(text: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for match in _EMAIL.finditer(text):
        found.append((match.start(), match.end(), "email"))
    for match in _URL.finditer(text):
        start = match.start()
        if _prev(text, start) in ("@", ".") and _prev(text, start):
            continue
        url = _trim_url(match.group(0))
        if not url:
            continue
        if "://" not in url:
            host = re.split(r"[:/?#]", url, maxsplit=1)[0]
            if host.rsplit(".", 1)[-1].lower() not in _COMMON_TLDS:
                continue
        found.append((start, start + len(url), "url"))
    return found


def find_entities(text: str) -> list[Entity]:
    """Entities Telegram detects by itself: bot_command, mention, hashtag, cashtag, url, email."""
    spans: list[tuple[int, int, str]] = []
    spans += [(s, e, "mention") for s, e in _match_mentions(text)]
    spans += [(s, e, "bot_command") for s, e in _match_bot_commands(text)]
    spans += [(s, e, "hashtag") for s, e in _match_hashtags(text)]
    spans += [(s, e, "cashtag") for s, e in _match_cashtags(text)]
    spans += _match_urls(text)
    if not spans:
        return []
    # fix_entity_offsets: sort, drop intersecting, convert code point positions to UTF-16
    spans.sort(key=lambda span: (span[0], -(span[1] - span[0]), _PRIORITY[span[2]]))
    kept: list[tuple[int, int, str]] = []
    last_end = 0
    for span in spans:
        if span[0] >= last_end:
            kept.append(span)
            last_end = span[1]
    prefix = [0]
    for ch in text:
        prefix.append(prefix[-1] + (2 if ord(ch) > 0xFFFF else 1))
    return [Entity(kind, prefix[s], prefix[e] - prefix[s]) for s, e, kind in kept]
