"""Known-answer and negative vectors of the device kinds 48-50 and the device certificate
(tests/vectors/devices_v1.json, docs/protocol.md §16)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import crypto
from crypto import Identity, decode_content, encode_content
from crypto import devices as d
from tests.vectors import generate_devices

DOC: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[1] / "vectors" / "devices_v1.json").read_text("utf-8"))


def test_the_committed_vectors_are_what_the_generator_writes() -> None:
    assert json.loads(json.dumps(generate_devices.build())) == DOC


@pytest.mark.parametrize("row", DOC["payloads"], ids=lambda r: r["name"])
def test_every_payload_decodes_and_re_encodes_to_the_same_bytes(row: dict[str, Any]) -> None:
    raw = bytes.fromhex(row["payload"])
    content = decode_content(raw)
    assert isinstance(content, d.DEVICE_KINDS) and raw[0] == row["kind"]
    assert encode_content(content) == raw


@pytest.mark.parametrize("vector", DOC["negative"], ids=lambda v: v["name"])
def test_negative_payloads_raise_the_error_they_name(vector: dict[str, Any]) -> None:
    with pytest.raises(crypto.CryptoError) as caught:
        decode_content(bytes.fromhex(vector["input"]))
    assert type(caught.value).__name__ == vector["expect"]


def test_the_certificate_verifies_field_by_field() -> None:
    c = DOC["certificate"]
    cert = d.DeviceCert.from_bytes(bytes.fromhex(c["bytes"]))
    cert.verify()
    assert (cert.member_ik.hex(), cert.device_pk.hex(), cert.device_spk.hex(),
            cert.linked_at, cert.name) == (c["member_ik"], c["device_pk"], c["device_spk"],
                                           c["linked_at"], c["name"])
    assert cert.device_id == DOC["device_id"] == d.device_id(bytes.fromhex(DOC["device_pk"]))


@pytest.mark.parametrize("rule", DOC["rules"], ids=lambda r: r["name"])
def test_certificates_that_must_fail(rule: dict[str, Any]) -> None:
    with pytest.raises(crypto.CryptoError) as caught:
        d.DeviceCert.from_bytes(bytes.fromhex(rule["certificate"])).verify()
    assert type(caught.value).__name__ == rule["expect"]


def test_the_read_position_opens_for_its_recipient_from_its_sender_only() -> None:
    member = Identity.from_bytes(bytes.fromhex(DOC["member_seed_identity"]))
    row = next(r for r in DOC["payloads"] if r["name"] == "read_sync")
    sync = decode_content(bytes.fromhex(row["payload"]))
    group = bytes.fromhex(DOC["group_id"])
    pos = d.open_read_sync(member, group, bytes.fromhex(DOC["device_pk"]), sync)
    want = DOC["read_position"]
    assert pos == d.ReadPosition(bytes.fromhex(want["channel"]), bytes.fromhex(want["message_id"]),
                                 want["sent_at"], want["read_at"])
    with pytest.raises(crypto.AuthError):   # claimed by another sender
        d.open_read_sync(member, group, bytes(32), sync)
    with pytest.raises(crypto.AuthError):   # replayed into another group
        d.open_read_sync(member, bytes(16), bytes.fromhex(DOC["device_pk"]), sync)


def test_the_group_handoff_opens_for_its_device_from_the_first_device_only() -> None:
    laptop = Identity.from_bytes(bytes.fromhex(DOC["device_identity"]))
    row = next(r for r in DOC["payloads"] if r["name"] == "group_handoff")
    handoff = decode_content(bytes.fromhex(row["payload"]))
    group, member = bytes.fromhex(DOC["group_id"]), bytes.fromhex(DOC["member_ik"])
    got = d.open_handoff(laptop, group, member, handoff)
    want = DOC["handed_group"]
    assert got == d.HandedGroup(bytes.fromhex(want["group_id"]), bytes.fromhex(want["state"]),
                                bytes.fromhex(want["extra"]))
    with pytest.raises(crypto.AuthError):   # claimed by another sender
        d.open_handoff(laptop, group, bytes(32), handoff)
    with pytest.raises(crypto.AuthError):   # replayed into another group
        d.open_handoff(laptop, bytes(16), member, handoff)


def test_device_records_carry_revoked_first_devices_only_when_there_are_any() -> None:
    recs = DOC["device_records"]
    member, device = bytes.fromhex(DOC["member_ik"]), bytes.fromhex(DOC["device_pk"])
    got = d.Devices.decode(bytes.fromhex(recs["with_revoked_first_device"]))
    assert got.retired == {member: device} and got.rekey
    assert got.encode().hex() == recs["with_revoked_first_device"]
    plain = d.Devices.decode(bytes.fromhex(recs["without"]))
    assert plain.retired == {} and plain.encode().hex() == recs["without"]
    assert recs["with_revoked_first_device"][2:].startswith(recs["without"][2:])


@pytest.mark.parametrize("vector", DOC["device_records"]["negative"], ids=lambda v: v["name"])
def test_malformed_device_records_raise_the_error_they_name(vector: dict[str, Any]) -> None:
    with pytest.raises(crypto.CryptoError) as caught:
        d.Devices.decode(bytes.fromhex(vector["input"]))
    assert type(caught.value).__name__ == vector["expect"]


def test_device_records_carry_a_prekey_update_signed_by_the_device() -> None:
    recs = DOC["device_records"]
    got = d.Devices.decode(bytes.fromhex(recs["with_prekey_update"]))
    upd = recs["prekey_update"]
    pk = bytes.fromhex(upd["device_pk"])
    assert got.prekeys == {pk: (bytes.fromhex(upd["spk"]), upd["created"])}
    assert got.encode().hex() == recs["with_prekey_update"]
    fresh = d.Devices.decode(bytes.fromhex(recs["without"]))
    assert fresh.new_prekey(pk, bytes.fromhex(upd["spk"]), upd["created"],
                            bytes.fromhex(upd["sig"])) is None
    assert fresh.encode() == got.encode()
    assert fresh.new_prekey(pk, bytes.fromhex(upd["spk"]), upd["created"] + 1,
                            bytes.fromhex(upd["sig"])) is not None   # not what it signed
