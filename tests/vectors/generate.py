"""Write the committed vectors: `python -m tests.vectors.generate` (from the repo root).

protocol_v1_padded.json  the scenario's messages, key schedule, blobs and negative vectors,
                         as this code writes them (epoch starts padded, spec §5.7)
state_v1.json            a group-state blob with invites and join requests, and blobs that
                         break its canonical order (unsorted or duplicate keys, spec §4)
governance_v1.json       roles (spec §8.1): an observer invite, role entries, a hand-over,
                         a moderator's removal, a Welcome naming the owner, state blobs
                         with the governance section, an admin's timeout of the owner
                         that every receiver refuses (tests/vectors/governance.py)
protocol_v1.json         not written any more: the same scenario recorded before epoch
                         starts were padded. Receivers must still accept every message in
                         it, and tests/crypto/test_vectors.py checks that they do.

Provenance: produced by Coterie's own crypto/ (protocol version 1) running the fixed
scenario in tests/vectors/scenario.py with seeded randomness and a fixed clock, on
libsodium through PyNaCl. Known-answer vectors are that scenario's bytes; negative vectors
are valid scenario messages altered in one named way, each with the error it must raise.
tests/crypto/test_vectors.py regenerates everything and compares byte for byte, so a
change to any byte the code writes fails until the spec and these files are updated.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import nacl.bindings

from crypto import GroupSession, Post
from crypto import invite as invite_module
from crypto.control import OP_RENAME, ControlEntry, name_data, sign_entry
from crypto.envelope import seal_outer
from crypto.invite import build_join_request, open_invite_bundle, parse_invite_link
from tests.crypto.conftest import DetRng
from tests.crypto.forge import inner_of, rebuild
from tests.vectors import governance, scenario

HERE = Path(__file__).resolve().parent
OUT = HERE / "protocol_v1_padded.json"
STATE_OUT = HERE / "state_v1.json"
GOV_OUT = HERE / "governance_v1.json"


def _negatives(doc: dict[str, Any], peers: dict[str, Any]) -> list[dict[str, Any]]:
    rng = DetRng("coterie-vector-negative")
    ana, ben = peers["ana"], peers["ben"]
    last = doc["envelopes"][-1]
    assert last["step"] == "after rotation"
    mailbox = bytes.fromhex(last["mailbox"])
    envelope = bytes.fromhex(last["envelope"])
    raw = inner_of(ben.session, mailbox, envelope)
    header_key = ben.session.state.by_mailbox[mailbox].header_key
    neg: list[dict[str, Any]] = []

    def opened_by_ana(name: str, data: bytes, expect: str) -> None:
        neg.append({"name": name, "check": "open", "receiver": "ana", "mailbox": mailbox.hex(),
                    "input": data.hex(), "expect": expect})

    opened_by_ana("envelope length is not a size bucket", envelope[:-1], "DecodeError")
    opened_by_ana("unknown envelope version", b"\x02" + envelope[1:], "VersionError")
    flipped = bytearray(envelope)
    flipped[100] ^= 0x01
    opened_by_ana("ciphertext altered", bytes(flipped), "AuthError")
    opened_by_ana("trailing bytes after the inner message",
                  seal_outer(header_key, mailbox, raw + b"\x00", rng), "DecodeError")
    opened_by_ana("inner version 2, correctly signed",
                  seal_outer(header_key, mailbox,
                             rebuild(raw, ben.identity, lambda h: h._replace(version=2)), rng),
                  "VersionError")
    opened_by_ana("signed by another member than the header names",
                  seal_outer(header_key, mailbox, rebuild(raw, ana.identity), rng), "AuthError")
    fresh = GroupSession.from_bytes(ben.session.to_bytes(), ben.identity)
    unseen = inner_of(fresh, mailbox, fresh.seal(Post("not what was signed"), scenario.T0,
                                                 rng).outgoing.body)
    opened_by_ana("plaintext hash does not match the body",
                  seal_outer(header_key, mailbox,
                             rebuild(unseen, ben.identity, pt_hash=bytes(32)), rng), "AuthError")
    opened_by_ana("message type changed without re-signing",
                  seal_outer(header_key, mailbox, rebuild(raw, None, lambda h: h._replace(type=2)),
                             rng), "AuthError")
    jumper = GroupSession.from_bytes(ben.session.to_bytes(), ben.identity)
    ep = jumper.state.epochs[jumper.epoch]
    for _ in range(300):
        ep.next_own_key()
    opened_by_ana("sequence number jumps beyond the skipped-key cap",
                  jumper.seal(Post("far ahead"), scenario.T0, rng).outgoing.body, "ChainError")

    for name, data in (("flag byte that is neither 0 nor 1", "010102"),
                       ("text length runs past the end", "0101000005616263"),
                       ("trailing byte after a delete", "0401" + "00" * 32 + "00"),
                       ("reaction without an emoji", "0201" + "00" * 32 + "010000"),
                       ("text that is not UTF-8", "0101000002c328")):
        neg.append({"name": name, "check": "decode_content", "input": data,
                    "expect": "DecodeError"})
    entry = sign_entry(ControlEntry(bytes(16), 1, bytes(32), ana.identity.ik, scenario.T0,
                                    OP_RENAME, 0, bytes(32), name_data("x")), ana.identity.sign)
    neg.append({"name": "control entry with a trailing byte", "check": "decode_entry",
                "input": (entry.encode() + b"\x00").hex(), "expect": "DecodeError"})
    neg.append({"name": "control entry of an unknown version", "check": "decode_entry",
                "input": ("02" + entry.encode()[1:].hex()), "expect": "VersionError"})
    bad_sig = entry.encode()[:-1] + bytes([entry.encode()[-1] ^ 1])
    neg.append({"name": "control entry whose signature fails", "check": "verify_entry",
                "input": bad_sig.hex(), "expect": "AuthError"})
    link = doc["link"]
    prefix, rest = link.split("#", 1)
    for name, text in (("secret in the query", prefix + "?" + rest),
                       ("secret in the path", prefix + "/" + rest),
                       ("secret one byte short", link.replace(rest.split(".")[2],
                                                              rest.split(".")[2][:-2])),
                       ("empty secret", link.replace(rest.split(".")[2], "")),
                       ("unknown link version", link.replace("#1.", "#9.")),
                       ("not a Coterie link", "https://relay.example/#" + rest)):
        neg.append({"name": name, "check": "parse_invite_link", "input": text,
                    "expect": "InviteError"})
    ident = ana.identity.to_bytes()
    neg.append({"name": "identity with a trailing byte", "check": "identity",
                "input": (ident + b"\x00").hex(), "expect": "DecodeError"})
    neg.append({"name": "identity of an unknown version", "check": "identity",
                "input": ("09" + ident[1:].hex()), "expect": "VersionError"})
    parsed = parse_invite_link(link)
    joiner = scenario._peer("dan")
    bundle = open_invite_bundle(parsed, bytes.fromhex(doc["envelopes"][0]["envelope"]),
                                scenario.T0)
    real_mac = invite_module.join_mac
    invite_module.join_mac = lambda *args: bytes(32)
    try:
        _, forged = build_join_request(joiner.identity, parsed, bundle, "Dan", scenario.T0,
                                       joiner.rng)
    finally:
        invite_module.join_mac = real_mac
    neg.append({"name": "join request whose MAC does not prove the invite secret",
                "check": "open", "receiver": "ana", "mailbox": parsed.mailbox.id.hex(),
                "input": forged.hex(), "expect": "AuthError"})
    return neg


def _swap(blob: bytes, a: bytes, b: bytes, size: int) -> bytes:
    """`blob` with the `size`-byte records starting with `a` and `b` exchanged."""
    i, j = sorted((blob.index(a), blob.index(b)))
    assert j - i >= size
    return blob[:i] + blob[j:j + size] + blob[i + size:j] + blob[i:i + size] + blob[j + size:]


def _repeat(blob: bytes, a: bytes, b: bytes, size: int) -> bytes:
    """`blob` with the record starting with `b` replaced by a copy of the one at `a`."""
    i, j = blob.index(a), blob.index(b)
    return blob[:j] + blob[i:i + size] + blob[j + size:]


def build_state() -> dict[str, Any]:
    """A founder's state with two invites and two waiting join requests, and that blob
    broken in the ways a decoder must refuse (spec §4: sorted, unique keys)."""
    fay = scenario._peer("fay")
    rng = fay.rng
    session = GroupSession.create(fay.identity, "State club", scenario.RELAY, "Fay",
                                  scenario.T0, rng)
    links = []
    for _ in range(2):
        info, bundle_out = session.create_invite(3, scenario.T0 + 86_400, scenario.T0, rng)
        link = parse_invite_link(info.link)
        links.append((link, open_invite_bundle(link, bundle_out.body, scenario.T0)))
    link, bundle = links[0]
    for name in ("dan", "eve"):
        joiner = scenario._peer(name)
        _, request = build_join_request(joiner.identity, link, bundle, name.capitalize(),
                                        scenario.T0, joiner.rng)
        session.open(link.mailbox.id, request, scenario.T0, rng)
    blob = session.to_bytes()
    secrets = [link.secret for link, _ in sorted(links, key=lambda lb: lb[0].invite_id)]
    invite_size = 32 + 2 + 2 + 8 + 8 + 1 + 2       # no consumed request ids yet
    ids = sorted(q.request_id for q in session.join_requests())
    request_size = 32 + 16 + 32 + 32 + 8 + 64 + (2 + 3) + 8 + 8   # names "Dan", "Eve"
    assert len(ids) == 2
    negative = [
        ("invites out of order", _swap(blob, secrets[0], secrets[1], invite_size)),
        ("an invite listed twice", _repeat(blob, secrets[0], secrets[1], invite_size)),
        ("join requests out of order", _swap(blob, ids[0], ids[1], request_size)),
        ("a join request listed twice", _repeat(blob, ids[0], ids[1], request_size)),
    ]
    return {
        "identity": fay.identity.to_bytes().hex(),
        "state": blob.hex(),
        "negative": [{"name": name, "check": "group_state", "input": data.hex(),
                      "expect": "DecodeError"} for name, data in negative],
    }


def build() -> dict[str, Any]:
    return build_all()[0]


def build_all() -> tuple[dict[str, Any], dict[str, Any]]:
    """(protocol_v1_padded.json, state_v1.json) contents."""
    doc, peers, _ = scenario.run()
    doc["negative"] = _negatives(doc, peers)
    return _with_provenance(doc), _with_provenance(build_state())


def build_governance() -> dict[str, Any]:
    return _with_provenance(governance.run(), "tests/vectors/governance.py")


def _with_provenance(doc: dict[str, Any],
                     scenario_file: str = "tests/vectors/scenario.py") -> dict[str, Any]:
    return {
        "provenance": {
            "generator": f"python -m tests.vectors.generate ({scenario_file})",
            "implementation": "Coterie crypto/, protocol version 1",
            "libsodium": nacl.bindings.sodium_version_string()
            if hasattr(nacl.bindings, "sodium_version_string") else "via PyNaCl",
            "randomness": "tests.crypto.conftest.DetRng seeded 'coterie-vector-<name>'",
            "clock": scenario.T0,
            "spec": "docs/protocol.md",
        },
        **doc,
    }


def main() -> int:
    for path, doc in zip((OUT, STATE_OUT, GOV_OUT), (*build_all(), build_governance()),
                         strict=True):
        path.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
