"""Plain data packed into bytes inside the stored state, read only when it is needed.

A restored index keeps the parts that one more article rarely needs (a variant's stems, a word's
uses) as the MessagePack bytes they were stored as: reading the state then makes one bytes object
for each instead of the dicts and lists inside, and an unchanged part is written back as read.
Strings, numbers, booleans, lists and maps only, as in :mod:`briefings.consolidate.state`.
"""

from __future__ import annotations

from typing import Any

import msgpack

_packer = msgpack.Packer(use_bin_type=True)


def pack(data: object) -> bytes:
    out: bytes = _packer.pack(data)
    return out


def unpack(data: bytes) -> Any:
    """Lists come back as tuples, as the rest of the state does."""
    return msgpack.unpackb(data, use_list=False, raw=False, strict_map_key=False)
