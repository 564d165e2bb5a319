"""Write the committed file vectors: `python -m tests.vectors.generate_files` (repo root).

files_v1.json  padded blobs of a few files (docs/protocol.md §15), the attachment payload
               that carries them, and negative blobs that must fail with "this file was
               altered" (AuthError).

Provenance: Coterie's own crypto/files.py and crypto/file_payloads.py (protocol version 1)
with DetRng("coterie files v1") randomness, on libsodium's secretstream through PyNaCl.
tests/crypto/test_file_vectors.py regenerates the file and compares byte for byte.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from crypto import encode_content
from crypto.file_payloads import Attachment, FileRef
from crypto.files import SEGMENT, blob_hasher, blob_size_for, seal_bytes
from tests.crypto.conftest import DetRng

OUT = Path(__file__).resolve().parent / "files_v1.json"
SIZES = (0, 1, 16339, 65520)


def _hash(blob: bytes) -> bytes:
    hasher = blob_hasher()
    hasher.update(blob)
    return hasher.digest()


def build() -> dict[str, Any]:
    rng = DetRng("coterie files v1")
    files = []
    refs = []
    for size in SIZES:
        key, blob_id = rng(32), rng(32)
        data = rng(size)
        blob = seal_bytes(key, blob_id, data, rng)
        files.append({"size": size, "key": key.hex(), "blob_id": blob_id.hex(),
                      "plaintext_blake2b": _hash(data).hex(), "blob_size": len(blob),
                      "blob": blob.hex(), "blob_hash": _hash(blob).hex()})
        refs.append(FileRef(blob_id, key, _hash(blob), size, "application/octet-stream",
                            f"file-{size}.bin"))
    post = Attachment(tuple(refs[:2]), "two files", bytes(16))
    # Negative blobs are recipes over file 3 (two segments) and file 2 (another blob),
    # applied by the reader: "h" header, "s0"/"s1" its segments, "o0" file 2's segment.
    negative = {
        "truncated_last_segment": "h s0",
        "segments_reordered": "h s1 s0",
        "segment_replayed": "h s0 s0",
        "segment_from_other_blob": "h o0 s1",
        "first_bit_of_s0_flipped": "h s0^ s1",
        "header_from_other_blob": "oh s0 s1",
        "last_byte_cut": "h s0 s1-",
        "extra_zero_byte": "h s0 s1 z",
    }
    return {
        "provenance": {"generator": "tests.vectors.generate_files", "spec": "docs/protocol.md",
                       "randomness": 'DetRng("coterie files v1")'},
        "blob_sizes": {str(s): blob_size_for(s) for s in (0, 1, 16339, 16340, 5 << 20,
                                                          100 << 20)},
        "files": files,
        "attachment_payload": encode_content(post).hex(),
        "negative": {"file": 3, "other": 2, "segment": SEGMENT, "expect": "AuthError",
                     "recipes": negative},
    }


def main() -> int:
    OUT.write_text(json.dumps(build(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
