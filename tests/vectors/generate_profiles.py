"""Builds profiles_v1.json: known-answer and negative vectors for content kinds 43-44.

    python -m tests.vectors.generate_profiles   # rewrites tests/vectors/profiles_v1.json

Deterministic: the member keys are fixed bytes and the avatar is a fixed, minimal JPEG
header sequence (receivers check only its markers, docs/protocol.md §5.3.4), so the file
changes only when the spec does. Each payload row records its bytes; each negative row the
error a decoder must raise; each rule row the refusal every receiver must give.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from crypto import encode_content
from crypto import profiles as p

HERE = Path(__file__).resolve().parent
OUT = HERE / "profiles_v1.json"
MEMBER = bytes(range(32))
OTHER = bytes(range(32, 64))
# SOI, APP0 (JFIF), SOF0 with 128 × 128, EOI: enough for the receiver's header walk
AVATAR = (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
          b"\xff\xc0\x00\x11\x08\x00\x80\x00\x80\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01"
          b"\xff\xd9")


def _text(raw: bytes) -> bytes:
    return len(raw).to_bytes(2, "big") + raw


def build() -> dict[str, Any]:
    payloads = {
        "profile_empty": p.Profile(MEMBER),
        "profile_full": p.Profile(MEMBER, "Ana L.", "she/her", "Reads on trains.\nBrings tea.",
                                  "Europe/Berlin", AVATAR),
        "profile_name_only_rtl": p.Profile(MEMBER, "ليلى"),
        "badge_grant": p.Badge(OTHER, "Mentor"),
        "badge_revoke": p.Badge(OTHER, "Host of the month", False),
    }
    rows = [{"name": name, "kind": encode_content(c)[0], "payload": encode_content(c).hex()}
            for name, c in payloads.items()]
    head = bytes([43, 1]) + MEMBER

    def profile(name: bytes = b"", pronouns: bytes = b"", bio: bytes = b"", tz: bytes = b"",
                avatar: bytes = b"") -> bytes:
        return head + _text(name) + _text(pronouns) + _text(bio) + _text(tz) + _text(avatar)

    negative = [
        {"name": "profile_name_over_100_bytes", "expect": "DecodeError",
         "input": profile(name=b"n" * 101).hex()},
        {"name": "profile_pronouns_over_40_bytes", "expect": "DecodeError",
         "input": profile(pronouns=b"p" * 41).hex()},
        {"name": "profile_bio_over_500_bytes", "expect": "DecodeError",
         "input": profile(bio=b"b" * 501).hex()},
        {"name": "profile_zone_over_64_bytes", "expect": "DecodeError",
         "input": profile(tz=b"z" * 65).hex()},
        {"name": "profile_avatar_not_jpeg", "expect": "DecodeError",
         "input": profile(avatar=b"\x89PNG\r\n\x1a\n").hex()},
        {"name": "profile_avatar_over_16384_bytes", "expect": "DecodeError",
         "input": profile(avatar=b"\xff\xd8\xff" + bytes(16_382)).hex()},
        {"name": "profile_bio_not_utf8", "expect": "DecodeError",
         "input": profile(bio=b"\xff\xfe").hex()},
        {"name": "profile_trailing_byte", "expect": "DecodeError",
         "input": (profile() + b"\x00").hex()},
        {"name": "profile_short_member", "expect": "DecodeError",
         "input": (bytes([43, 1]) + bytes(31)).hex()},
        {"name": "badge_blank_title", "expect": "DecodeError",
         "input": (bytes([44, 1]) + OTHER + b"\x01" + _text(b"   ")).hex()},
        {"name": "badge_title_over_40_bytes", "expect": "DecodeError",
         "input": (bytes([44, 1]) + OTHER + b"\x01" + _text(b"t" * 41)).hex()},
        {"name": "badge_flag_2", "expect": "DecodeError",
         "input": (bytes([44, 1]) + OTHER + b"\x02" + _text(b"Mentor")).hex()},
    ]
    rules = [
        {"name": "profile_naming_another_member", "signer": OTHER.hex(),
         "input": rows[1]["payload"],
         "refusal": "a member can change only their own profile"},
        {"name": "profile_naming_its_signer", "signer": MEMBER.hex(),
         "input": rows[1]["payload"], "refusal": None},
    ]
    return {
        "provenance": {
            "generator": "tests/vectors/generate_profiles.py",
            "spec": "docs/protocol.md, 5.3.4 Profiles and badges",
            "randomness": "none",
        },
        "payloads": rows, "negative": negative, "rules": rules,
    }


def main() -> int:
    OUT.write_text(json.dumps(build(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
