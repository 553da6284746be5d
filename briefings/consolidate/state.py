"""The consolidator's state as bytes that can be stored and read back, and that cannot run code.

The state is MessagePack (strings, numbers, booleans, lists and maps only), zlib-compressed: a
header, then the payload of :meth:`Consolidator.state`. Reading it back builds the indexes from
that plain data; no class or function is ever named by the bytes, so whoever can write them can
at worst make the state unreadable (it is then rebuilt from the stored summaries), never run
anything. The header names the format and its version and the code that wrote the state: a
state of another format, another version or other code is refused before its payload is read.
"""

from __future__ import annotations

import zlib

import msgpack

from briefings.consolidate.consolidator import Consolidator

MAGIC = "briefings consolidator state"
FORMAT = 4  # the layout of the payload, raised whenever it changes (2: memos; 3: agreements; 4: packed parts)
MAX_BYTES = 1 << 30  # inflated: a state larger than this is refused (ten thousand articles: ~20 MB)


class StateError(ValueError):
    """Bytes that are not a state this code wrote."""


def dump(consolidator: Consolidator, code: str) -> bytes:
    """The state of ``consolidator``, tagged with ``code`` (a digest of the code that wrote it)."""
    packer = msgpack.Packer(use_bin_type=True)
    header = packer.pack([MAGIC, FORMAT, code])
    return zlib.compress(header + packer.pack(consolidator.state()), 1)


def load(data: bytes, code: str) -> Consolidator:
    """The consolidator stored as ``data`` by code ``code``; :class:`StateError` when ``data`` is
    anything else (other code, another format, garbage, a pickle)."""
    inflate = zlib.decompressobj()
    try:
        raw = inflate.decompress(data, MAX_BYTES)
    except zlib.error as e:
        raise StateError(f"not compressed: {e}") from None
    if inflate.unconsumed_tail:
        raise StateError("larger than a state can be")
    unpacker = msgpack.Unpacker(use_list=False, raw=False, strict_map_key=False, max_buffer_size=len(raw) + 1)
    unpacker.feed(raw)
    try:
        header = unpacker.unpack()
        if header != (MAGIC, FORMAT, code):
            raise StateError("another format, or written by other code")
        payload = unpacker.unpack()
        return Consolidator.from_state(payload)
    except StateError:
        raise
    except Exception as e:  # malformed: anything the plain data can fail with
        raise StateError(f"malformed: {type(e).__name__}") from None
