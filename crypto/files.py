"""Encrypted files (attachments): per-file keys, padded blob sizes, chunked streaming AEAD.

A file is encrypted with its own random 32-byte key K into one *blob* that the relay
stores. The blob is a libsodium secretstream (XChaCha20-Poly1305):

    blob = header (24 bytes) ‖ segment_0 ‖ … ‖ segment_{n-1}

Every segment is exactly SEGMENT ciphertext bytes (SEGMENT_PT plaintext + 17) except the
last, which carries TAG_FINAL. The stream key is KDF(K, "cot/file/stream"); every segment's
additional data is the 32-byte blob id, so a segment from another blob, a reordered,
replayed or dropped segment, or a stream cut short fails to open (secretstream numbers its
messages and only the last may carry TAG_FINAL).

The plaintext is the file followed by zero bytes up to the blob's capacity, so the blob's
length is one of BUCKETS (docs/protocol.md §15, "Files"): the relay learns a size bucket,
never the size. The true size, the key and the hash of the whole blob travel inside the
signed, encrypted post (crypto.file_payloads.FileRef). Opening checks the padding is zero
and that exactly `blob_size` bytes arrived.

Nothing here holds a whole file: `seal_stream` yields pieces as it reads, `BlobOpener`
takes pieces and returns plaintext as it authenticates it. Randomness is handed in (`rng`)
so vectors are reproducible: the stream header comes from it too.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator

from nacl import bindings as b
from nacl.exceptions import CryptoError as NaclError
from nacl.signing import SigningKey

from crypto import labels
from crypto.blob_sizes import (  # noqa: F401  (re-exported: file code takes them from here)
    ABYTES,
    BUCKET_ALIGN,
    BUCKET_FLOOR,
    HEADER,
    MAX_FILE_BYTES,
    RELAY_CHUNK,
    SEGMENT,
    SEGMENT_PT,
    blob_size_for,
    buckets,
    capacity,
    chunk_count,
    chunk_span,
    is_bucket,
    segment_count,
)
from crypto.errors import AuthError, DecodeError
from crypto.primitives import Rng, kdf, random_bytes

KEY_LEN = 32
BLOB_ID_LEN = 32
HASH_LEN = 32
# The geometry lives in crypto/blob_sizes.py (the relay checks sizes with it); its stream
# constants must be libsodium's.
assert (HEADER, ABYTES) == (b.crypto_secretstream_xchacha20poly1305_HEADERBYTES,
                            b.crypto_secretstream_xchacha20poly1305_ABYTES)
_TAG_MESSAGE = b.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
_TAG_FINAL = b.crypto_secretstream_xchacha20poly1305_TAG_FINAL


def stream_key(file_key: bytes) -> bytes:
    return kdf(file_key, labels.KDF_FILE_STREAM)


def read_seed(file_key: bytes) -> bytes:
    """Seed of the blob's Ed25519 read key: whoever holds the file key may download."""
    return kdf(file_key, labels.KDF_FILE_READ)


def read_public(file_key: bytes) -> bytes:
    return bytes(SigningKey(read_seed(file_key)).verify_key)


def blob_hasher() -> hashlib.blake2b:
    """The hash of a whole blob, fed piece by piece (what a FileRef's `blob_hash` is)."""
    return hashlib.blake2b(digest_size=HASH_LEN, person=labels.HASH_FILE_BLOB)


def _state_for(key: bytes, header: bytes) -> object:
    # init_pull derives exactly the state init_push would for this header; using it for
    # pushing lets the header come from the injected rng instead of libsodium's own.
    state = b.crypto_secretstream_xchacha20poly1305_state()
    b.crypto_secretstream_xchacha20poly1305_init_pull(state, header, key)
    return state


def seal_stream(file_key: bytes, blob_id: bytes, size: int,
                read: Callable[[int], bytes], rng: Rng) -> Iterator[bytes]:
    """Encrypt `size` bytes taken from `read(n)` into a padded blob, piece by piece.

    Yields the header, then one segment at a time; together exactly `blob_size_for(size)`
    bytes. DecodeError if `read` returns fewer or more bytes than `size` in all (the file
    changed while it was being read).
    """
    if len(file_key) != KEY_LEN or len(blob_id) != BLOB_ID_LEN:
        raise DecodeError("bad file key or blob id length")
    blob_size = blob_size_for(size)
    header = random_bytes(rng, HEADER)
    state = _state_for(stream_key(file_key), header)
    yield header
    left = size
    pad_left = capacity(blob_size) - size
    segments = segment_count(blob_size)
    for index in range(segments):
        want = SEGMENT_PT if index < segments - 1 else capacity(blob_size) - SEGMENT_PT * index
        take = min(want, left)
        data = read(take) if take else b""
        if len(data) != take:
            raise DecodeError("the file changed while it was being encrypted")
        left -= take
        pad = want - take
        pad_left -= pad
        if pad:
            data += bytes(pad)
        tag = _TAG_FINAL if index == segments - 1 else _TAG_MESSAGE
        yield b.crypto_secretstream_xchacha20poly1305_push(state, data, blob_id, tag)
    if read(1):
        raise DecodeError("the file changed while it was being encrypted")
    assert pad_left == 0 and left == 0


class BlobOpener:
    """Authenticate and decrypt a blob fed in pieces of any size.

    `feed(piece)` returns the plaintext it could authenticate so far (never padding);
    `finish()` raises AuthError unless the whole blob arrived, ended with TAG_FINAL and
    matched `blob_hash`. Any failure is AuthError("this file was altered"); the caller must
    discard everything `feed` returned for this blob when it sees one.
    """

    def __init__(self, file_key: bytes, blob_id: bytes, size: int, blob_size: int,
                 blob_hash: bytes, *, hash_outside: bool = False,
                 keep_plain: bool = True) -> None:
        """`hash_outside`: the caller hashes the blob itself (e.g. on another thread, as
        the bytes arrive) and hands the digest to `finish`. `keep_plain=False` only
        checks: `feed` authenticates and returns b"" (no plaintext is built)."""
        if (len(file_key) != KEY_LEN or len(blob_id) != BLOB_ID_LEN
                or not 0 <= size <= MAX_FILE_BYTES or blob_size != blob_size_for(size)):
            raise AuthError("this file was altered")
        self._key = stream_key(file_key)
        self._blob_id = blob_id
        self._size = size
        self._blob_size = blob_size
        self._expect_hash = blob_hash
        self._hash = None if hash_outside else blob_hasher()
        self._keep = keep_plain
        self._segments = segment_count(blob_size)
        self._state: object | None = None
        self._buf = bytearray()
        self._seen = 0           # blob bytes fed
        self._segment = 0        # segments opened
        self._out = 0            # plaintext bytes returned
        self._final = False

    def _fail(self) -> AuthError:
        self._final = True
        self._segment = self._segments + 1
        return AuthError("this file was altered")

    def feed(self, piece: bytes | memoryview) -> bytes:
        self._seen += len(piece)
        if self._seen > self._blob_size or self._segment > self._segments:
            raise self._fail()
        if self._hash is not None:
            self._hash.update(piece)
        # Segments are cut straight out of `piece`; only a segment split across two feeds
        # goes through `_buf` (one copy per segment, whatever the piece size).
        view = memoryview(piece)
        pos = 0
        out = bytearray()
        if self._state is None:
            if len(self._buf) + len(view) < HEADER:
                self._buf += view
                return b""
            pos = HEADER - len(self._buf)
            self._state = _state_for(self._key, bytes(self._buf) + bytes(view[:pos]))
            self._buf.clear()
        while self._segment < self._segments:
            last = self._segment == self._segments - 1
            need = (self._blob_size - HEADER - SEGMENT * self._segment) if last else SEGMENT
            if self._buf:
                take = need - len(self._buf)
                if len(view) - pos < take:
                    break
                data = bytes(self._buf) + bytes(view[pos:pos + take])
                self._buf.clear()
            else:
                take = need
                if len(view) - pos < take:
                    break
                data = bytes(view[pos:pos + take])
            pos += take
            try:
                plain, tag = b.crypto_secretstream_xchacha20poly1305_pull(
                    self._state, data, self._blob_id)
            except (NaclError, ValueError, TypeError):
                raise self._fail() from None
            if (tag == _TAG_FINAL) != last:
                raise self._fail()
            self._segment += 1
            keep = min(len(plain), self._size - self._out)
            if keep < len(plain) and plain[keep:] != bytes(len(plain) - keep):
                raise self._fail()      # the padding must be all zero
            self._out += keep
            if self._keep:
                out += plain[:keep] if keep < len(plain) else plain
        if pos < len(view):
            self._buf += view[pos:]
        return bytes(out) if out else b""

    def finish(self, digest: bytes | None = None) -> None:
        """`digest`: the blob's hash when the caller computed it (`hash_outside`)."""
        if self._hash is not None:
            digest = self._hash.digest()
        if (self._seen != self._blob_size or self._segment != self._segments or self._buf
                or self._out != self._size or digest != self._expect_hash):
            raise self._fail()


def open_blob(file_key: bytes, blob_id: bytes, size: int, blob: bytes,
              blob_hash: bytes) -> bytes:
    """The plaintext of a whole blob held in memory (tests, vectors, small files)."""
    opener = BlobOpener(file_key, blob_id, size, len(blob), blob_hash)
    out = opener.feed(blob)
    opener.finish()
    return out


def seal_bytes(file_key: bytes, blob_id: bytes, data: bytes, rng: Rng) -> bytes:
    """The whole blob of `data` held in memory (tests, vectors, small files)."""
    pos = 0

    def read(n: int) -> bytes:
        nonlocal pos
        piece = data[pos:pos + n]
        pos += len(piece)
        return piece

    return b"".join(seal_stream(file_key, blob_id, len(data), read, rng))
