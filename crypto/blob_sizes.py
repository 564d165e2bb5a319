"""Blob geometry: the padded sizes and chunking of an encrypted file (docs/protocol.md §15).

Pure arithmetic with no cryptography, so the relay can check a declared blob size and chunk
index (through crypto.relay_wire) without loading the client's file encryption. The stream
constants are libsodium's secretstream XChaCha20-Poly1305 sizes; crypto/files.py checks
them against the library at import.
"""
from __future__ import annotations

from collections.abc import Iterator

from crypto.errors import DecodeError

HEADER = 24                     # crypto_secretstream_xchacha20poly1305_HEADERBYTES
ABYTES = 17                     # crypto_secretstream_xchacha20poly1305_ABYTES
SEGMENT = 65536                 # ciphertext bytes per stream message (the last may be shorter)
SEGMENT_PT = SEGMENT - ABYTES   # plaintext bytes per full segment
# The relay stores and serves a blob in chunks of this many bytes (the last may be shorter).
RELAY_CHUNK = 1 << 20
# Padded blob sizes: from BUCKET_FLOOR up, each the previous + 1/20 rounded up to
# BUCKET_ALIGN (about 5 % steps, 4 KiB steps below 80 KiB).
BUCKET_FLOOR = 16384
BUCKET_ALIGN = 4096
MAX_FILE_BYTES = 100 << 20       # largest plaintext the protocol admits

def segment_count(blob_size: int) -> int:
    """Secretstream messages in a blob of `blob_size` bytes."""
    return -(-(blob_size - HEADER) // SEGMENT)


def capacity(blob_size: int) -> int:
    """Plaintext bytes a blob of `blob_size` bytes carries (file plus zero padding)."""
    return blob_size - HEADER - ABYTES * segment_count(blob_size)


def _next_bucket(size: int) -> int:
    grown = size + size // 20
    return -(-grown // BUCKET_ALIGN) * BUCKET_ALIGN


def buckets(up_to: int = MAX_FILE_BYTES) -> Iterator[int]:
    """Every blob size in the bucket set, ascending, until one carries `up_to` bytes."""
    size = BUCKET_FLOOR
    while True:
        yield size
        if capacity(size) >= up_to:
            return
        size = _next_bucket(size)


def blob_size_for(size: int) -> int:
    """The padded blob length of a file of `size` bytes: the smallest bucket that fits it."""
    if not 0 <= size <= MAX_FILE_BYTES:
        raise DecodeError(f"a file must be at most {MAX_FILE_BYTES} bytes")
    for bucket in buckets(size):
        if capacity(bucket) >= size:
            return bucket
    raise AssertionError("unreachable: buckets() ends with one that fits")


_BUCKET_SET = frozenset(buckets())


def is_bucket(blob_size: int) -> bool:
    """True when `blob_size` is a padded size a well-behaved client produces."""
    return blob_size in _BUCKET_SET


def chunk_count(blob_size: int) -> int:
    """Relay chunks in a blob of `blob_size` bytes."""
    return -(-blob_size // RELAY_CHUNK)


def chunk_span(blob_size: int, index: int) -> tuple[int, int]:
    """(offset, length) of relay chunk `index` in a blob of `blob_size` bytes."""
    start = index * RELAY_CHUNK
    if not 0 <= start < blob_size:
        raise DecodeError("chunk index out of range")
    return start, min(RELAY_CHUNK, blob_size - start)
