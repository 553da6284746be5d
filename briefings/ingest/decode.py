"""Bytes to text: encoding detection and rejection of what is not text."""

from __future__ import annotations

import codecs
import re

# Magic numbers of formats that are not articles; the message names the format.
_COMPRESSED = {
    b"\x1f\x8b": "gzip",
    b"PK\x03\x04": "zip",
    b"BZh": "bzip2",
    b"\xfd7zXZ\x00": "xz",
    b"(\xb5/\xfd": "zstd",
    b"7z\xbc\xaf\x27\x1c": "7z",
    b"Rar!\x1a\x07": "rar",
}
_UNSUPPORTED = {
    b"%PDF-": "PDF",
    b"\x89PNG\r\n\x1a\n": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF87a": "GIF image",
    b"GIF89a": "GIF image",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "MS Office document",
    b"\x7fELF": "executable",
    b"MZ": "executable",
    b"SQLite format 3\x00": "SQLite database",
    b"{\\rtf": "RTF document",
}


class NotText(ValueError):
    """The bytes are not a text article; ``str(exc)`` is the reason."""


def sniff_format(data: bytes) -> str | None:
    """Name a non-text format recognised by its magic number, or None."""
    for magic, name in _COMPRESSED.items():
        if data.startswith(magic):
            return f"compressed data ({name}); decompress it first"
    for magic, name in _UNSUPPORTED.items():
        if data.startswith(magic):
            return f"unsupported format ({name})"
    return None


def decode_text(data: bytes) -> str:
    """Decode article bytes: UTF-8 (with or without BOM), UTF-16 (BOM or not), or Latin-1.

    Raises :class:`NotText` for empty input, known binary formats, NUL bytes and bytes
    that decode to control characters under every candidate encoding.
    """
    if not data.strip():
        raise NotText("empty file" if not data else "only whitespace")
    problem = sniff_format(data)
    if problem:
        raise NotText(problem)
    text = _decode_utf16(data)
    if text is None:
        if b"\x00" in data:
            raise NotText("contains NUL bytes (binary data?)")
        text = _decode_8bit(data)
    if not text.strip():
        raise NotText("only whitespace")
    if _control_ratio(text) > 0.01:
        raise NotText("binary data (control characters in the text)")
    return text


def _decode_utf16(data: bytes) -> str | None:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise NotText("undecodable text (bad UTF-16)") from exc
    if len(data) >= 4 and len(data) % 2 == 0:
        even_nuls = data[0::2].count(0)
        odd_nuls = data[1::2].count(0)
        half = len(data) // 2
        for nuls, codec in ((odd_nuls, "utf-16-le"), (even_nuls, "utf-16-be")):
            if nuls > 0.3 * half and (even_nuls + odd_nuls - nuls) < 0.02 * half:
                try:
                    return data.decode(codec)
                except UnicodeDecodeError:
                    return None
    return None


def _decode_8bit(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    # Latin-1 decodes anything: accept it only when it reads like text.
    c1 = sum(1 for ch in text if "\x80" <= ch <= "\x9f")
    letters = sum(1 for ch in text if ch.isalpha())
    if c1 > 0.001 * max(1, len(text)) or letters < 0.4 * len(text.replace(" ", "").replace("\n", "")):
        raise NotText("undecodable text (not UTF-8, UTF-16 or Latin-1)")
    return text


_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")  # control characters but tab, newlines, form feed


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    return len(_CONTROL.findall(sample)) / max(1, len(sample))
