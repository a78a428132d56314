"""The one size-capped decompressor (pipeline.compression) that the client, the reader and the snapshots share."""

from __future__ import annotations

import gzip
import io
import os
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.compression import RAW_DEFLATE, ZLIB, DecompressionError, decompress, head, inflate

BODY = os.urandom(200_000) + b"a" * 3_000_000  # spans many chunks, in and out
GZ = gzip.compress(BODY, mtime=0)


@given(st.lists(st.binary(max_size=3000).map(lambda b: b * 50), min_size=1, max_size=3))
@settings(max_examples=40, deadline=None)
def test_inflate_reads_every_gzip_member_exactly(members):
    """Chunked, capped decompression gives what gzip gives, for one or several members."""
    body = b"".join(gzip.compress(m, mtime=0) for m in members)
    assert b"".join(inflate(body, limit=1 << 24)) == gzip.decompress(body)


@pytest.mark.parametrize("source", [lambda b: b, io.BytesIO], ids=["bytes", "file"])
def test_bytes_and_files_of_several_members_decompress_whole(source):
    body = GZ + gzip.compress(b"xy", mtime=0)
    assert decompress(source(body), limit=len(BODY) + 2) == BODY + b"xy"


@pytest.mark.parametrize("body, kind", [
    (GZ[:-30], "truncated"),
    (GZ + b"<html>oops</html>", "trailing"),
    (GZ[:100] + b"\0" * 50 + GZ[150:], "corrupt"),
], ids=["truncated", "trailing bytes", "corrupt"])
def test_a_damaged_stream_is_an_error_never_a_shorter_body(body, kind):
    with pytest.raises(DecompressionError) as caught:
        decompress(body, limit=1 << 30)
    assert caught.value.kind == kind


def test_a_bomb_stops_at_the_cap_without_decompressing_the_rest():
    bomb = gzip.compress(b"\0" * (50 << 20), mtime=0)
    with pytest.raises(DecompressionError, match="size cap of 1,000,000 bytes") as caught:
        decompress(bomb, limit=1_000_000)
    assert caught.value.kind == "too_big" and caught.value.limit == 1_000_000
    assert caught.value.produced <= 1_000_000 + (1 << 16)  # one chunk past the cap at most


def test_zlib_and_raw_deflate_transport_layers():
    for wbits in (ZLIB, RAW_DEFLATE):
        packer = zlib.compressobj(wbits=wbits)
        assert decompress(packer.compress(BODY) + packer.flush(), limit=len(BODY), wbits=wbits, members=False) == BODY


def test_head_reads_the_start_of_a_gzip_or_plain_body_even_when_the_rest_is_damaged():
    assert head(GZ, 10) == BODY[:10]
    assert head(GZ[:300], 5) == BODY[:5]
    assert head(b"DATAFLOW,x\n", 4) == b"DATA"
