"""The consolidator's state as bytes that can be stored and read back, and that cannot run code.

The state is MessagePack (strings, numbers, booleans, lists and maps only), zlib-compressed: a
header, then the payload of :meth:`Consolidator.state`. Reading it back builds the indexes from
that plain data; no class or function is ever named by the bytes, so whoever can write them can
at worst make the state unreadable (it is then rebuilt from the stored summaries), never run
anything. The header names the format and its version and the code that wrote the state: a
state of another format, another version or other code is refused before its payload is read.
"""

from __future__ import annotations

import queue
import threading
import zlib
from collections.abc import Iterator
from typing import Any

import msgpack

from briefings.consolidate.consolidator import Consolidator

MAGIC = "briefings consolidator state"
# the layout of the payload, raised whenever it changes (2: memos; 3: agreements; 4: packed parts;
# 5: the parts one after the other, in the order they are restored)
FORMAT = 5
MAX_BYTES = 1 << 30  # inflated: a state larger than this is refused (ten thousand articles: ~50 MB)
PARTS = ("articles", "people", "agreements", "issues", "timeline", "quotes", "figures", "spelling", "memos")
CHUNK = 1 << 16  # compressed bytes inflated at a time (about half a megabyte of state)


class StateError(ValueError):
    """Bytes that are not a state this code wrote."""


def dump(consolidator: Consolidator, code: str) -> bytes:
    """The state of ``consolidator``, tagged with ``code`` (a digest of the code that wrote it)."""
    packer = msgpack.Packer(use_bin_type=True)
    payload = consolidator.state()
    parts = b"".join(packer.pack(payload[name]) for name in PARTS)
    return zlib.compress(packer.pack([MAGIC, FORMAT, code]) + parts, 1)


def load(data: bytes, code: str) -> Consolidator:
    """The consolidator stored as ``data`` by code ``code``; :class:`StateError` when ``data`` is
    anything else (other code, another format, garbage, a pickle).

    The bytes are inflated in a thread while the parts inflated so far are read and restored
    (zlib lets go of the interpreter while it inflates): a new process restores a large state in
    about the time of the slower of the two, not of both."""
    inflated = _Inflated(data)
    unpacker = msgpack.Unpacker(
        inflated, read_size=CHUNK, use_list=False, raw=False, strict_map_key=False, max_buffer_size=MAX_BYTES
    )
    try:
        if unpacker.unpack() != (MAGIC, FORMAT, code):
            raise StateError("another format, or written by other code")
        return Consolidator.from_state(_Parts(unpacker))
    except StateError:
        raise
    except Exception as e:  # malformed: anything the plain data can fail with
        raise StateError(f"malformed: {type(e).__name__}") from None
    finally:
        inflated.stop()


class _Parts:
    """The payload's parts by name, each read from the stream when first asked for."""

    def __init__(self, unpacker: msgpack.Unpacker) -> None:
        self._unpacker = unpacker
        self._names: Iterator[str] = iter(PARTS)
        self._read: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        while name not in self._read:
            self._read[next(self._names)] = self._unpacker.unpack()
        return self._read.pop(name)


class _Inflated:
    """The inflated bytes of ``data`` as a file that msgpack reads, inflated by a thread ahead of
    the reader; a fault (not zlib, larger than a state can be) is raised to the reader as a
    :class:`StateError`."""

    def __init__(self, data: bytes) -> None:
        self._pieces: queue.SimpleQueue[bytes | StateError] = queue.SimpleQueue()
        self._stopped = False
        self._done = False
        threading.Thread(target=self._inflate, args=(memoryview(data),), daemon=True).start()

    def _inflate(self, data: memoryview) -> None:
        inflate, total = zlib.decompressobj(), 0
        try:
            for start in range(0, len(data), CHUNK):
                if self._stopped:
                    break
                piece = inflate.decompress(data[start : start + CHUNK], MAX_BYTES + 1 - total)
                total += len(piece)
                if inflate.unconsumed_tail or total > MAX_BYTES:
                    raise StateError("larger than a state can be")
                if piece:
                    self._pieces.put(piece)
            self._pieces.put(b"")
        except zlib.error as e:
            self._pieces.put(StateError(f"not compressed: {e}"))
        except StateError as e:
            self._pieces.put(e)
        except Exception as e:  # the reader waits for a piece: it is told, whatever happened
            self._pieces.put(StateError(f"not inflated: {type(e).__name__}"))

    def read(self, _size: int = -1) -> bytes:
        if self._done:
            return b""
        piece = self._pieces.get()
        if isinstance(piece, StateError):
            self._done = True
            raise piece
        self._done = not piece
        return piece

    def stop(self) -> None:
        self._stopped = True
