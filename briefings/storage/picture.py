"""How the consolidated picture is stored: its JSON, zlib-compressed (level 1: about 13 times
smaller at ten thousand articles, for 60 ms)."""

from __future__ import annotations

import zlib

from briefings.models import Consolidated


def pack_picture(picture: Consolidated) -> bytes:
    return zlib.compress(picture.model_dump_json().encode("utf-8"), 1)


def unpack_picture(packed: bytes) -> Consolidated:
    return Consolidated.model_validate_json(zlib.decompress(packed))
