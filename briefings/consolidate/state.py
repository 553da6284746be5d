"""The consolidator's state as bytes that can be stored and read back, and that cannot run code.

The state is MessagePack (strings, numbers, booleans, lists and maps only), Zstandard-compressed: a
header, then the payload of :meth:`Consolidator.state`. Reading it back builds the indexes from
that plain data; no class or function is ever named by the bytes, so whoever can write them can
at worst make the state unreadable (it is then rebuilt from the stored summaries), never run
anything. The header names the format and its version and the code that wrote the state: a
state of another format, another version or other code is refused before its payload is read.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import Any

import msgpack
import zstandard

from briefings.consolidate.consolidator import Consolidator

MAGIC = "briefings consolidator state"
# the layout of the payload, raised whenever it changes (2: memos; 3: agreements; 4: packed parts;
# 5: the parts one after the other, in the order they are restored; 6: Zstandard, not zlib)
FORMAT = 6
MAX_BYTES = 1 << 30  # inflated: a state larger than this is refused (ten thousand articles: ~50 MB)
PARTS = ("articles", "people", "agreements", "issues", "timeline", "quotes", "figures", "spelling", "memos")
CHUNK = 1 << 19  # inflated bytes handed to the reader at a time
LEVEL = 3  # Zstandard's default: smaller than zlib's fastest and inflated three times as fast


class StateError(ValueError):
    """Bytes that are not a state this code wrote."""


def dump(consolidator: Consolidator, code: str) -> bytes:
    """The state of ``consolidator``, tagged with ``code`` (a digest of the code that wrote it)."""
    packer = msgpack.Packer(use_bin_type=True)
    payload = consolidator.state()
    parts = b"".join(packer.pack(payload[name]) for name in PARTS)
    return zstandard.ZstdCompressor(level=LEVEL).compress(packer.pack([MAGIC, FORMAT, code]) + parts)


def load(data: bytes, code: str) -> Consolidator:
    """The consolidator stored as ``data`` by code ``code``; :class:`StateError` when ``data`` is
    anything else (other code, another format, garbage, a pickle).

    The bytes are inflated in a thread while the parts inflated so far are read and restored
    (Zstandard lets go of the interpreter while it inflates): a new process restores a large state in
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
    the reader; a fault (not Zstandard, larger than a state can be) is raised to the reader as a
    :class:`StateError`."""

    def __init__(self, data: bytes) -> None:
        self._pieces: queue.SimpleQueue[bytes | StateError] = queue.SimpleQueue()
        self._stopped = False
        self._done = False
        threading.Thread(target=self._inflate, args=(data,), daemon=True).start()

    def _inflate(self, data: bytes) -> None:
        total = 0
        try:
            with zstandard.ZstdDecompressor().stream_reader(data, read_across_frames=False) as inflate:
                while not self._stopped:
                    piece = inflate.read(CHUNK)
                    total += len(piece)
                    if total > MAX_BYTES:
                        raise StateError("larger than a state can be")
                    if not piece:
                        break
                    self._pieces.put(piece)
            self._pieces.put(b"")
        except zstandard.ZstdError as e:
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
