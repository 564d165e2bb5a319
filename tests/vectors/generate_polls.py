"""Builds polls_v1.json: known-answer and negative vectors for content kinds 16-23.

    python -m tests.vectors.generate_polls      # rewrites tests/vectors/polls_v1.json

Everything is deterministic: keys and the sealed ballot's ephemeral key come from BLAKE2b
of fixed seeds, so the file only changes when the spec (docs/protocol.md, "Polls and
events") does. Each payload row records its fields and bytes; the sealed ballot row its
ballot secret, so the ballot opens; the tally rows the creator's identity key (a first device's poll) or the
creating device's own key (a linked or restored device's poll, "poll_tally_device") and
the group. A rule row's "key" names which of the two it is checked against.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from crypto import Identity, encode_content
from crypto import polls as p

HERE = Path(__file__).resolve().parent
OUT = HERE / "polls_v1.json"
GROUP = bytes(range(16))
POLL = hashlib.blake2b(b"coterie vectors: poll", digest_size=32).digest()
EVENT = hashlib.blake2b(b"coterie vectors: event", digest_size=32).digest()
CHANNEL = bytes([0xC4]) * 16


def _rng(seed: str) -> Any:
    counter = [0]

    def rng(n: int) -> bytes:
        out = b""
        while len(out) < n:
            counter[0] += 1
            out += hashlib.blake2b(counter[0].to_bytes(8, "big"), key=seed.encode()).digest()
        return out[:n]

    return rng


def build() -> dict[str, Any]:
    creator = Identity.generate(1_750_000_000, _rng("creator"))
    voter = Identity.generate(1_750_000_000, _rng("voter"))
    device = Identity.generate(1_750_000_000, _rng("device"))   # the creator's linked device
    secret, key = p.ballot_keypair(_rng("ballot"))
    fields = p.EventFields("Lantern walk", 1_893_866_400, 1_893_875_400, "Europe/Paris",
                           "Bring a lantern.", "Quai 4, Lyon")
    payloads = {
        "poll_create_open": p.PollCreate("Where shall we walk?", ("Ridge", "Lake", "Forest"),
                                         False, False, 1_750_007_200, p.GENERAL),
        "poll_create_anonymous_multi": p.PollCreate("Pick dates", ("Sat", "Sun"), True, True, 0,
                                                    CHANNEL, key),
        "poll_vote": p.PollVote(POLL, 0b101),
        "poll_vote_retract": p.PollVote(POLL, 0),
        "poll_sealed_vote": p.seal_vote(GROUP, POLL, key, voter.ik, 0b10, _rng("ephemeral")),
        "poll_tally": p.sign_tally(creator.sign, GROUP, p.PollTally(POLL, 3, True, 2, (1, 1))),
        "poll_close": p.PollClose(POLL),
        "event_create": p.EventCreate(fields, p.GENERAL),
        "event_update_cancel": p.EventUpdate(EVENT, fields, True),
        "rsvp_maybe": p.Rsvp(EVENT, p.RSVP_MAYBE),
        # a poll the creator's linked device sealed: its tally is signed by that device's key
        "poll_tally_device": p.sign_tally(device.sign, GROUP,
                                          p.PollTally(POLL, 1, False, 1, (0, 1))),
    }
    rows = [{"name": name, "kind": encode_content(c)[0], "payload": encode_content(c).hex()}
            for name, c in payloads.items()]
    good_poll = encode_content(payloads["poll_create_open"])
    negative = [
        {"name": "poll_with_one_option", "expect": "DecodeError",
         "input": (good_poll[:good_poll.index(b"\x03\x00\x05Ridge")] + b"\x01\x00\x05Ridge").hex()},
        {"name": "poll_with_thirteen_options", "expect": "DecodeError",
         "input": (good_poll[:good_poll.index(b"\x03\x00\x05Ridge")] + b"\x0d"
                   + b"".join(b"\x00\x01" + bytes([65 + i]) for i in range(13))).hex()},
        {"name": "poll_unknown_flag", "expect": "DecodeError",
         "input": (good_poll[:18] + b"\x04" + good_poll[19:]).hex()},
        {"name": "poll_anonymous_flag_without_key", "expect": "DecodeError",
         "input": (good_poll[:18] + b"\x02" + good_poll[19:]).hex()},
        {"name": "poll_duplicate_options", "expect": "DecodeError",
         "input": (good_poll[:good_poll.index(b"\x03\x00\x05Ridge")]
                   + b"\x02\x00\x01A\x00\x01A").hex()},
        {"name": "vote_beyond_twelfth_option", "expect": "DecodeError",
         "input": (bytes([17, 1]) + POLL + (1 << 12).to_bytes(2, "big")).hex()},
        {"name": "vote_trailing_byte", "expect": "DecodeError",
         "input": (bytes([17, 1]) + POLL + b"\x00\x01\x00").hex()},
        {"name": "sealed_vote_short", "expect": "DecodeError",
         "input": (bytes([18, 1]) + POLL + bytes(10)).hex()},
        {"name": "event_ends_before_start", "expect": "DecodeError",
         "input": (bytes([21, 1]) + bytes(16) + (200).to_bytes(8, "big") + (100).to_bytes(8, "big")
          + b"\x00\x00" + b"\x00\x01x" + b"\x00\x00" + b"\x00\x00").hex()},
        {"name": "event_empty_title", "expect": "DecodeError",
         "input": (bytes([21, 1]) + bytes(16) + (200).to_bytes(8, "big") + bytes(8)
                   + b"\x00\x00" + b"\x00\x01 " + b"\x00\x00" + b"\x00\x00").hex()},
        {"name": "rsvp_unknown_answer", "expect": "DecodeError",
         "input": (bytes([23, 1]) + EVENT + b"\x04").hex()},
        {"name": "tally_without_counts", "expect": "DecodeError",
         "input": (bytes([19, 1]) + POLL + bytes(4) + b"\x00" + bytes(2) + b"\x00"
                   + bytes(64)).hex()},
    ]
    forged = payloads["poll_tally"]
    forged_sig = bytearray(forged.signature)
    forged_sig[0] ^= 1
    rules = [
        {"name": "tally_signature_forged", "expect": "AuthError", "check": "verify_tally",
         "input": encode_content(p.PollTally(forged.poll, forged.seq, forged.closed,
                                             forged.voters, forged.counts,
                                             bytes(forged_sig))).hex()},
        {"name": "tally_counts_changed", "expect": "AuthError", "check": "verify_tally",
         "input": encode_content(p.PollTally(forged.poll, forged.seq, forged.closed,
                                             forged.voters, (2, 0), forged.signature)).hex()},
        # a DK-signed tally checked against the creator's IK, and the IK's checked against
        # the DK: each verifies only with the key that sealed its poll
        {"name": "tally_by_device_checked_with_identity_key", "expect": "AuthError",
         "check": "verify_tally", "key": "creator_ik",
         "input": encode_content(payloads["poll_tally_device"]).hex()},
        {"name": "tally_by_identity_key_checked_with_device_key", "expect": "AuthError",
         "check": "verify_tally", "key": "creator_device_pk",
         "input": encode_content(payloads["poll_tally"]).hex()},
        {"name": "sealed_vote_claimed_by_creator", "expect": "AuthError", "check": "open_vote",
         "sender": creator.ik.hex(), "input": rows[4]["payload"]},
    ]
    return {
        "provenance": {
            "generator": "tests/vectors/generate_polls.py",
            "spec": "docs/protocol.md, Polls and events",
            "randomness": "BLAKE2b(counter, key=seed) per role: creator, voter, ballot, ephemeral, "
                          "device",
        },
        "group_id": GROUP.hex(), "poll_id": POLL.hex(), "event_id": EVENT.hex(),
        "creator_ik": creator.ik.hex(), "creator_device_pk": device.ik.hex(),
        "voter_ik": voter.ik.hex(),
        "ballot_secret": secret.hex(), "ballot_key": key.hex(),
        "sealed_vote_choices": 2,
        "payloads": rows, "negative": negative, "rules": rules,
    }


def main() -> int:
    OUT.write_text(json.dumps(build(), indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
