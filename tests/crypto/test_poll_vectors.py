"""Known-answer and negative vectors of content kinds 16-23 (tests/vectors/polls_v1.json)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import crypto
from crypto import decode_content, encode_content
from crypto import polls as rules
from tests.vectors import generate_polls

DOC: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[1] / "vectors" / "polls_v1.json").read_text("utf-8"))


def test_the_committed_vectors_are_what_the_generator_writes() -> None:
    assert json.loads(json.dumps(generate_polls.build())) == DOC


@pytest.mark.parametrize("row", DOC["payloads"], ids=lambda r: r["name"])
def test_every_payload_decodes_and_re_encodes_to_the_same_bytes(row: dict[str, Any]) -> None:
    raw = bytes.fromhex(row["payload"])
    content = decode_content(raw)
    assert isinstance(content, rules.CONTENT_TYPES) and raw[0] == row["kind"]
    assert encode_content(content) == raw


@pytest.mark.parametrize("vector", DOC["negative"], ids=lambda v: v["name"])
def test_negative_payloads_raise_the_error_they_name(vector: dict[str, Any]) -> None:
    with pytest.raises(crypto.CryptoError) as caught:
        decode_content(bytes.fromhex(vector["input"]))
    assert type(caught.value).__name__ == vector["expect"]


def test_the_sealed_vote_opens_with_the_ballot_secret_for_its_voter_only() -> None:
    group, secret = bytes.fromhex(DOC["group_id"]), bytes.fromhex(DOC["ballot_secret"])
    row = next(r for r in DOC["payloads"] if r["name"] == "poll_sealed_vote")
    vote = decode_content(bytes.fromhex(row["payload"]))
    assert rules.open_vote(group, vote, secret, bytes.fromhex(DOC["voter_ik"])) == 2
    with pytest.raises(crypto.AuthError):
        rules.open_vote(bytes(16), vote, secret, bytes.fromhex(DOC["voter_ik"]))


@pytest.mark.parametrize("rule", DOC["rules"], ids=lambda r: r["name"])
def test_rule_vectors_are_refused(rule: dict[str, Any]) -> None:
    group = bytes.fromhex(DOC["group_id"])
    content = decode_content(bytes.fromhex(rule["input"]))
    with pytest.raises(crypto.CryptoError) as caught:
        if rule["check"] == "verify_tally":
            rules.verify_tally(bytes.fromhex(DOC[rule.get("key", "creator_ik")]), group,
                               content, 2)
        else:
            rules.open_vote(group, content, bytes.fromhex(DOC["ballot_secret"]),
                            bytes.fromhex(rule["sender"]))
    assert type(caught.value).__name__ == rule["expect"]


def test_the_good_tally_verifies() -> None:
    row = next(r for r in DOC["payloads"] if r["name"] == "poll_tally")
    tally = decode_content(bytes.fromhex(row["payload"]))
    rules.verify_tally(bytes.fromhex(DOC["creator_ik"]), bytes.fromhex(DOC["group_id"]), tally, 2)


def test_a_linked_device_s_tally_verifies_with_its_own_key_only() -> None:
    row = next(r for r in DOC["payloads"] if r["name"] == "poll_tally_device")
    tally = decode_content(bytes.fromhex(row["payload"]))
    group = bytes.fromhex(DOC["group_id"])
    rules.verify_tally(bytes.fromhex(DOC["creator_device_pk"]), group, tally, 2)
    with pytest.raises(crypto.AuthError):
        rules.verify_tally(bytes.fromhex(DOC["creator_ik"]), group, tally, 2)


def test_counting_takes_each_voter_s_latest_valid_vote_in_their_own_order() -> None:
    a, b = b"a" * 32, b"b" * 32
    votes = [rules.CastVote(a, 0, 3, 100, 0b001), rules.CastVote(a, 0, 5, 90, 0b010),
             rules.CastVote(a, 1, 1, 95, 0b1000),                     # option 4 of 3: refused
             rules.CastVote(b, 0, 2, 100, 0b100), rules.CastVote(b, 0, 4, 200, 0b001)]
    ends = rules.cutoff(0, 150)                                        # closed at 150
    counted = rules.count_votes(3, False, ends, reversed(votes))
    assert counted.ballots == {a: 0b010, b: 0b100} and counted.counts == (0, 1, 1)
    assert rules.count_votes(3, False, None, votes).counts == (1, 1, 0)
