"""Files (docs/protocol.md §15): padded blobs, streaming secretstream, the file payloads, and
the committed vectors in tests/vectors/files_v1.json. Attack tests for a relay that alters
blobs are here too: every one ends in AuthError("this file was altered")."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from crypto import decode_content, encode_content
from crypto.errors import AuthError, DecodeError
from crypto.file_payloads import (
    MAX_FILES,
    Attachment,
    FileDelete,
    FileRef,
    LibraryAdd,
    LibraryPin,
    LibraryRemove,
    LibraryTags,
)
from crypto.files import (
    BUCKET_FLOOR,
    HEADER,
    MAX_FILE_BYTES,
    SEGMENT,
    BlobOpener,
    blob_hasher,
    blob_size_for,
    buckets,
    capacity,
    is_bucket,
    open_blob,
    seal_bytes,
)
from crypto.payloads import Unsupported
from tests.crypto.conftest import DetRng
from tests.vectors.generate_files import build

VECTORS = Path(__file__).resolve().parent.parent / "vectors" / "files_v1.json"


def _hash(blob: bytes) -> bytes:
    h = blob_hasher()
    h.update(blob)
    return h.digest()


def _sealed(size: int, seed: str = "f") -> tuple[bytes, bytes, bytes, bytes]:
    rng = DetRng(seed)
    key, blob_id = rng(32), rng(32)
    data = rng(size) if size < 100_000 else os.urandom(size)
    return key, blob_id, data, seal_bytes(key, blob_id, data, rng)


def test_buckets_grow_by_about_five_percent_above_the_floor() -> None:
    sizes = list(buckets())
    assert sizes[0] == BUCKET_FLOOR and sizes == sorted(set(sizes))
    assert all(s % 4096 == 0 for s in sizes)
    steps = list(zip(sizes, sizes[1:], strict=False))
    assert all(a * 1.05 <= b <= a * 1.05 + 4096 for a, b in steps)
    assert capacity(sizes[-1]) >= MAX_FILE_BYTES
    assert len(sizes) < 200            # coarse: a size reveals one of few buckets


@pytest.mark.parametrize("size", [0, 1, 100, 16339, 16340, 65519, 65520, 1 << 20, 3_000_001])
def test_a_file_seals_to_its_bucket_and_opens_to_the_same_bytes(size: int) -> None:
    key, blob_id, data, blob = _sealed(size)
    assert len(blob) == blob_size_for(size) and is_bucket(len(blob))
    assert capacity(len(blob)) >= size
    assert open_blob(key, blob_id, size, blob, _hash(blob)) == data


def test_a_file_over_the_limit_is_refused() -> None:
    with pytest.raises(DecodeError):
        blob_size_for(MAX_FILE_BYTES + 1)


@pytest.mark.parametrize("step", [1, 10, 7777, 65_536, 65_537, 1 << 20])
def test_the_opener_takes_pieces_of_any_size(step: int) -> None:
    key, blob_id, data, blob = _sealed(200_000)
    opener = BlobOpener(key, blob_id, len(data), len(blob), _hash(blob))
    out = b""
    view = memoryview(blob)
    for i in range(0, len(blob), step):
        out += opener.feed(view[i:i + step] if step % 2 else blob[i:i + step])
    opener.finish()
    assert out == data


def test_the_same_file_twice_gives_unrelated_blobs() -> None:
    rng = DetRng("twice")
    data = b"same bytes" * 1000
    a = seal_bytes(rng(32), rng(32), data, rng)
    b = seal_bytes(rng(32), rng(32), data, rng)
    assert a != b and data not in a and data[:64] not in a


def test_a_file_that_grows_while_sealed_is_refused() -> None:
    rng = DetRng("grow")
    with pytest.raises(DecodeError):
        b"".join(__import__("crypto.files", fromlist=["x"]).seal_stream(
            rng(32), rng(32), 10, lambda n: b"x" * n + b"y", rng))


# -- attacks by the relay on a blob ----------------------------------------------------------

def _two_segments() -> tuple[bytes, bytes, bytes, bytes, bytes, bytes, bytes]:
    key, blob_id, data, blob = _sealed(65520, "attack")
    h, s0, s1 = blob[:HEADER], blob[HEADER:HEADER + SEGMENT], blob[HEADER + SEGMENT:]
    return key, blob_id, data, blob, h, s0, s1


def _altered(key: bytes, blob_id: bytes, size: int, blob: bytes,
             expect_hash: bytes) -> None:
    opener = BlobOpener(key, blob_id, size, blob_size_for(size), expect_hash)
    with pytest.raises(AuthError, match="this file was altered"):
        opener.feed(blob)
        opener.finish()


@pytest.mark.parametrize("recipe", ["swap", "truncate", "reorder", "replay", "other_blob",
                                    "bitflip", "extra"])
def test_a_relay_that_alters_chunks_is_caught(recipe: str) -> None:
    key, blob_id, data, blob, h, s0, s1 = _two_segments()
    okey, oid, _, other = _sealed(65520, "other")
    forged = {
        "swap": h + other[HEADER:HEADER + SEGMENT] + s1,
        "truncate": h + s0,
        "reorder": h + s1 + s0,
        "replay": h + s0 + s0[:len(s1)],
        "other_blob": other,
        "bitflip": h + s0 + s1[:-1] + bytes([s1[-1] ^ 0x80]),
        "extra": blob + b"\0",
    }[recipe]
    # whether or not the relay also fixes up the hash, the file does not open
    _altered(key, blob_id, len(data), forged, _hash(blob))
    _altered(key, blob_id, len(data), forged, _hash(forged))


def test_a_blob_of_another_group_under_this_id_does_not_open() -> None:
    key, blob_id, data, blob = _sealed(5000, "mine")
    okey, _, _, other = _sealed(5000, "theirs")
    _altered(key, blob_id, len(data), other, _hash(other))


def test_a_lying_size_does_not_open() -> None:
    key, blob_id, data, blob = _sealed(5000)
    _altered(key, blob_id, 4000, blob, _hash(blob))   # same bucket, shorter claim
    with pytest.raises(AuthError):
        BlobOpener(key, blob_id, 5000, len(blob) + 4096, _hash(blob))


# -- payloads --------------------------------------------------------------------------------

def _ref(i: int = 0, **kw: object) -> FileRef:
    fields: dict = dict(blob_id=bytes([i]) * 32, key=bytes([i + 1]) * 32,
                        blob_hash=bytes([i + 2]) * 32, size=1234, media_type="image/png",
                        name="photo.png", width=640, height=480, thumbnail=b"\x89PNG" * 10)
    fields.update(kw)
    return FileRef(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("content", [
    Attachment((_ref(),), "a caption"),
    Attachment(tuple(_ref(i) for i in range(MAX_FILES)), "", bytes(range(16)), bytes(32)),
    FileDelete(bytes(32)),
    LibraryAdd(bytes(32), "Title", "Description", ("a", "b c"), "https://example.org"),
    LibraryRemove(bytes(range(32))),
    LibraryPin(bytes(32), False),
    LibraryTags(bytes(range(32)), ("reading", "spring")),
    LibraryTags(bytes(32)),
])
def test_file_payloads_round_trip_canonically(content: object) -> None:
    raw = encode_content(content)  # type: ignore[arg-type]
    assert decode_content(raw) == content
    assert encode_content(decode_content(raw)) == raw
    with pytest.raises(DecodeError):
        decode_content(raw + b"\0")


@pytest.mark.parametrize("bad", [
    Attachment(()),
    Attachment(tuple(_ref(i) for i in range(MAX_FILES + 1))),
    Attachment((_ref(), _ref())),                          # one blob twice
    Attachment((_ref(size=MAX_FILE_BYTES + 1),)),
    Attachment((_ref(thumbnail=b"x" * 5000),)),
    Attachment((_ref(media_type="image/\x1bpng"),)),
    LibraryAdd(bytes(32), tags=("",)),
    LibraryTags(bytes(32), ("x" * 49,)),
    LibraryTags(bytes(32), tuple(str(i) for i in range(17))),
])
def test_malformed_file_payloads_are_refused(bad: object) -> None:
    with pytest.raises(DecodeError):
        encode_content(bad)  # type: ignore[arg-type]


def test_a_newer_version_of_a_file_kind_is_unsupported_not_an_error() -> None:
    assert isinstance(decode_content(bytes([24, 2]) + b"future"), Unsupported)
    assert isinstance(decode_content(bytes([31, 1]) + b"reserved"), Unsupported)


# -- vectors ---------------------------------------------------------------------------------

def _doc() -> dict:
    return json.loads(VECTORS.read_text(encoding="utf-8"))


def test_file_vectors_are_reproduced_byte_for_byte() -> None:
    assert build() == _doc()


def test_file_vectors_open() -> None:
    for f in _doc()["files"]:
        blob = bytes.fromhex(f["blob"])
        assert len(blob) == f["blob_size"] == blob_size_for(f["size"])
        assert _hash(blob).hex() == f["blob_hash"]
        plain = open_blob(bytes.fromhex(f["key"]), bytes.fromhex(f["blob_id"]), f["size"],
                          blob, bytes.fromhex(f["blob_hash"]))
        assert hashlib.blake2b(plain, digest_size=32, person=b"cot/file/blob".ljust(16, b"\0")
                               ).hexdigest() == f["plaintext_blake2b"]


def test_negative_file_vectors_fail_as_named() -> None:
    doc = _doc()
    neg = doc["negative"]
    f, o = doc["files"][neg["file"]], doc["files"][neg["other"]]
    blob, other = bytes.fromhex(f["blob"]), bytes.fromhex(o["blob"])
    seg = neg["segment"]
    parts = {"h": blob[:24], "s0": blob[24:24 + seg], "s1": blob[24 + seg:],
             "o0": other[24:24 + seg], "oh": other[:24], "z": b"\0"}
    parts["s0^"] = bytes([parts["s0"][0] ^ 1]) + parts["s0"][1:]
    parts["s1-"] = parts["s1"][:-1]
    for name, recipe in neg["recipes"].items():
        forged = b"".join(parts[p] for p in recipe.split())
        assert forged != blob, name
        opener = BlobOpener(bytes.fromhex(f["key"]), bytes.fromhex(f["blob_id"]), f["size"],
                            f["blob_size"], bytes.fromhex(f["blob_hash"]))
        with pytest.raises(AuthError):
            opener.feed(forged)
            opener.finish()


def test_rng_is_the_only_randomness() -> None:
    a = seal_bytes(bytes(32), bytes(32), b"x", DetRng("same"))
    b = seal_bytes(bytes(32), bytes(32), b"x", DetRng("same"))
    assert a == b and a != seal_bytes(bytes(32), bytes(32), b"x", os.urandom)
