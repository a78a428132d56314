"""Size-capped decompression: the one gzip/deflate inflater of the client, the reader and the raw snapshots.

A gzip bomb stops at the cap, a truncated stream is an error rather than a short file, gzip's
several members are read in turn, and bytes after the end are refused. Errors are plain
`DecompressionError`s: each caller names the dataset and where the bytes came from.

Why not urllib3's own decoding for the transport layer: it ends a truncated gzip member
silently, and a body cut short must be an error, not a smaller dataset.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from typing import BinaryIO

GZIP_MAGIC = b"\x1f\x8b"
GZIP = 16 + zlib.MAX_WBITS  # wbits of a gzip stream
ZLIB = zlib.MAX_WBITS  # wbits of a zlib-wrapped deflate stream
RAW_DEFLATE = -zlib.MAX_WBITS
CHUNK = 1 << 16


class DecompressionError(ValueError):
    """A compressed body that cannot be read whole; `kind` is "too_big", "truncated", "corrupt" or "trailing"."""

    def __init__(self, kind: str, message: str, *, produced: int = 0, limit: int | None = None, extra: int = 0):
        super().__init__(message)
        self.kind = kind
        self.produced = produced  # decompressed bytes before the problem
        self.limit = limit  # the cap (too_big)
        self.extra = extra  # bytes after the end (trailing)


def is_gzip(data: bytes | memoryview) -> bool:
    return bytes(data[:2]) == GZIP_MAGIC


def _reader(source: bytes | bytearray | memoryview | BinaryIO, chunk: int) -> Callable[[], bytes]:
    """Slices of at most `chunk` bytes: handing zlib a whole body each time would make decompression quadratic."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        view, position = memoryview(source), 0

        def next_slice() -> bytes:
            nonlocal position
            piece = view[position:position + chunk]
            position += len(piece)
            return bytes(piece)

        return next_slice
    return lambda: source.read(chunk)


def inflate(source, *, limit: int, wbits: int = GZIP, members: bool = True, chunk: int = CHUNK) -> Iterator[bytes]:
    """Decompressed chunks of `source` (bytes or a binary file), never more than `limit` bytes in total.

    `members`: after the end of one gzip member another may follow (a gzip file may hold
    several); any other trailing bytes are refused. Without it trailing bytes are ignored.
    """
    read = _reader(source, chunk)
    total = 0
    pending = read()
    try:
        while True:
            inflater = zlib.decompressobj(wbits)
            while not inflater.eof:
                if pending:
                    out = inflater.decompress(pending, chunk)
                    pending = inflater.unconsumed_tail
                else:
                    pending = read()
                    if pending:
                        continue
                    out = inflater.flush()  # output zlib still holds once the input is used up
                    if not inflater.eof and not out:
                        raise DecompressionError("truncated", "the compressed stream ends early", produced=total)
                if out:
                    total += len(out)
                    if total > limit:
                        raise DecompressionError("too_big", f"over the size cap of {limit:,} bytes once "
                                                 "decompressed", produced=total, limit=limit)
                    yield out
            rest = inflater.unused_data  # at the end, this holds all the input past it (the tail too)
            if len(rest) < len(GZIP_MAGIC):
                rest += read()
            if not rest or not members:
                return
            if rest[:2] != GZIP_MAGIC:
                raise DecompressionError("trailing", f"{len(rest)} unexpected bytes after the gzip data",
                                         produced=total, extra=len(rest))
            pending = rest
    except zlib.error as exc:
        raise DecompressionError("corrupt", str(exc), produced=total) from exc


def decompress(source, *, limit: int, wbits: int = GZIP, members: bool = True) -> bytearray:
    """The whole decompressed body (see `inflate`)."""
    out = bytearray()
    for piece in inflate(source, limit=limit, wbits=wbits, members=members):
        out += piece
    return out


def head(body: bytes, size: int = CHUNK) -> bytes:
    """The first `size` bytes of a body once decompressed (a plain body as is); what a damaged rest hides is cut."""
    if not is_gzip(body):
        return bytes(body[:size])
    out = bytearray()
    try:
        for piece in inflate(body, limit=1 << 62):
            out += piece
            if len(out) >= size:
                break
    except DecompressionError:
        pass  # the head is what could be read; whoever needs the whole body checks it
    return bytes(out[:size])
