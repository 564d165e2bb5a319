"""Known-answer and negative vectors of content kinds 43-44 (tests/vectors/profiles_v1.json)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import crypto
from app.avatar_check import jpeg_size
from crypto import decode_content, encode_content
from crypto import profiles as rules
from tests.vectors import generate_profiles

DOC: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[1] / "vectors" / "profiles_v1.json").read_text("utf-8"))


def test_the_committed_vectors_are_what_the_generator_writes() -> None:
    assert json.loads(json.dumps(generate_profiles.build())) == DOC


@pytest.mark.parametrize("row", DOC["payloads"], ids=lambda r: r["name"])
def test_every_payload_decodes_and_re_encodes_to_the_same_bytes(row: dict[str, Any]) -> None:
    raw = bytes.fromhex(row["payload"])
    content = decode_content(raw)
    assert isinstance(content, (rules.Profile, rules.Badge)) and raw[0] == row["kind"]
    assert encode_content(content) == raw


def test_the_vector_avatar_passes_the_receivers_header_walk() -> None:
    row = next(r for r in DOC["payloads"] if r["name"] == "profile_full")
    assert jpeg_size(decode_content(bytes.fromhex(row["payload"])).avatar) == (128, 128)


@pytest.mark.parametrize("vector", DOC["negative"], ids=lambda v: v["name"])
def test_negative_payloads_raise_the_error_they_name(vector: dict[str, Any]) -> None:
    with pytest.raises(crypto.CryptoError) as caught:
        decode_content(bytes.fromhex(vector["input"]))
    assert type(caught.value).__name__ == vector["expect"]


@pytest.mark.parametrize("rule", DOC["rules"], ids=lambda r: r["name"])
def test_rule_vectors_give_the_refusal_they_name(rule: dict[str, Any]) -> None:
    content = decode_content(bytes.fromhex(rule["input"]))
    assert rules.refusal(content, bytes.fromhex(rule["signer"])) == rule["refusal"]
