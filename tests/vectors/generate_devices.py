"""Builds devices_v1.json: known-answer and negative vectors for the device kinds 48-50
and the device certificate (docs/protocol.md §16).

    python -m tests.vectors.generate_devices    # rewrites tests/vectors/devices_v1.json

Deterministic: identities and boxes come from BLAKE2b of fixed seeds, so the file changes
only when the spec does. The certificate row carries the member's IK so it verifies; the
read-position row the recipient device's seed, so its box opens.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from crypto import Identity, encode_content
from crypto import devices as d
from crypto.payloads import GENERAL

HERE = Path(__file__).resolve().parent
OUT = HERE / "devices_v1.json"
GROUP = bytes(range(16))
T = 1_750_000_000


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
    member = Identity.generate(T, _rng("member"))
    laptop = Identity.generate(T, _rng("laptop"))
    other = Identity.generate(T, _rng("other member"))
    cert = d.certify(member, laptop.ik, laptop.spk, "Ana's laptop", T + 60)
    forged = d.certify(other, laptop.ik, laptop.spk, "Ana's laptop", T + 60)
    forged = d.DeviceCert(member.ik, forged.device_pk, forged.device_spk, forged.linked_at,
                          forged.name, forged.sig)
    pos = d.ReadPosition(GENERAL, hashlib.blake2b(b"coterie vectors: read", digest_size=32)
                         .digest(), T + 100, T + 120)
    sync = d.seal_read_sync(laptop, GROUP, pos, [(member.ik, member.spk)], _rng("read box"))
    handed = d.HandedGroup(bytes([0x47]) * 16, b"a group state blob", b"{}")
    handoff = d.seal_handoff(member, GROUP, handed, (laptop.ik, laptop.spk), _rng("handoff box"))
    payloads = {
        "device_certificate": d.DeviceCertificate(cert),
        "device_revoke": d.DeviceRevoke(member.ik, laptop.ik),
        # §16.8: the member's IK named as the device revokes their first device
        "device_revoke_first_device": d.DeviceRevoke(member.ik, member.ik),
        "read_sync": sync,
        "group_handoff": handoff,
    }
    cert_payload = encode_content(payloads["device_certificate"])
    # the state's device records (governance tag 4) with a revoked first device (§16.5)
    records = d.Devices({laptop.ik: d.DeviceRecord(cert)}, rekey=True,
                        retired={member.ik: laptop.ik}).encode()
    plain = d.Devices({laptop.ik: d.DeviceRecord(cert)}).encode()
    # §16.9: the laptop announced a newer prekey, signed by its device key
    later = Identity.from_bytes(laptop.to_bytes())
    later.rotate_prekey(T + 7 * 86400, _rng("laptop prekey"))
    rotated = d.Devices({laptop.ik: d.DeviceRecord(cert)}, prekeys={
        laptop.ik: (later.spk, later.spk_created_at)}).encode()
    negative = [
        ("certificate_truncated", cert_payload[:-1].hex(), "DecodeError"),
        ("certificate_trailing_byte", (cert_payload + b"\0").hex(), "DecodeError"),
        ("revoke_short", encode_content(payloads["device_revoke"])[:-1].hex(), "DecodeError"),
        ("read_sync_no_boxes", bytes([d.KIND_READ_SYNC, 1, 0]).hex(), "DecodeError"),
        ("read_sync_five_boxes", bytes([d.KIND_READ_SYNC, 1, 5]).hex(), "DecodeError"),
        ("group_handoff_no_boxes", bytes([d.KIND_GROUP_HANDOFF, 1, 0]).hex(), "DecodeError"),
    ]
    return {
        "provenance": "python -m tests.vectors.generate_devices (docs/protocol.md §16)",
        "group_id": GROUP.hex(),
        "member_ik": member.ik.hex(),
        "member_seed_identity": member.to_bytes().hex(),
        "device_pk": laptop.ik.hex(),
        "device_identity": laptop.to_bytes().hex(),
        "device_id": cert.device_id,
        "certificate": {"bytes": cert.to_bytes().hex(), "member_ik": cert.member_ik.hex(),
                        "device_pk": cert.device_pk.hex(), "device_spk": cert.device_spk.hex(),
                        "linked_at": cert.linked_at, "name": cert.name},
        "handed_group": {"group_id": handed.group_id.hex(), "state": handed.state.hex(),
                         "extra": handed.extra.hex()},
        "read_position": {"channel": pos.channel.hex(), "message_id": pos.message_id.hex(),
                          "sent_at": pos.sent_at, "read_at": pos.read_at},
        "payloads": [{"name": name, "kind": encode_content(c)[0],
                      "payload": encode_content(c).hex()} for name, c in payloads.items()],
        "negative": [{"name": n, "input": i, "expect": e} for n, i, e in negative],
        "device_records": {
            "with_revoked_first_device": records.hex(),
            "without": plain.hex(),
            "with_prekey_update": rotated.hex(),
            "prekey_update": {"device_pk": laptop.ik.hex(), "spk": later.spk.hex(),
                              "created": later.spk_created_at,
                              "sig": later.spk_signature.hex()},
            "negative": [
                {"name": "empty_revoked_list", "input": (plain + b"\0").hex(),
                 "expect": "DecodeError"},
                {"name": "revoked_list_unsorted",
                 "input": (plain + bytes([2]) + other.ik + laptop.ik + member.ik
                           + laptop.ik).hex() if other.ik > member.ik else
                 (plain + bytes([2]) + member.ik + laptop.ik + other.ik + laptop.ik).hex(),
                 "expect": "DecodeError"},
                {"name": "revoked_list_truncated", "input": records[:-1].hex(),
                 "expect": "DecodeError"},
            ]},
        "rules": [
            {"name": "certificate_signed_by_another_member", "certificate":
             forged.to_bytes().hex(), "expect": "AuthError"},
            {"name": "certificate_naming_the_identity_key",
             "certificate": d.DeviceCert(member.ik, member.ik, laptop.spk, T, "x",
                                         bytes(64)).to_bytes().hex(),
             "expect": "DecodeError"},
        ],
    }


def main() -> None:
    OUT.write_text(json.dumps(build(), indent=1, ensure_ascii=False) + "\n", "utf-8")


if __name__ == "__main__":
    main()
