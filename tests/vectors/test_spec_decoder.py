"""An independent reading of the committed vectors, written from docs/protocol.md alone.

Nothing here imports crypto/: the decoder below follows the spec's layouts field by field
(section numbers in the comments) with hashlib, struct and PyNaCl's public bindings, so a
mistake shared by crypto/'s encoder and decoder, or a spec that no longer says what the
code does, shows up here. Every envelope is opened, every inner message parsed to its
last byte, every signature, MAC, commitment and message id recomputed, every content
payload decrypted through the sender chains and compared with the recorded plaintext.
"""
from __future__ import annotations

import hashlib
import json
import struct
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from nacl.bindings import (
    crypto_aead_xchacha20poly1305_ietf_decrypt,
    crypto_box_open_easy,
    crypto_scalarmult_base,
    crypto_sign_seed_keypair,
)
from nacl.exceptions import BadSignatureError, CryptoError
from nacl.signing import VerifyKey

HERE = Path(__file__).resolve().parent
BUCKETS = (1024, 4096, 16384, 65536)                     # §4
OUTER_OVERHEAD = 41                                      # §5.1: 1 + 24 + 16
TYPES = {1: "content", 2: "control", 3: "sender_key", 4: "heartbeat", 5: "prekey", 6: "cover"}
MEMBER_BUCKETS = (8, 16, 32, 64, 150)                    # §5.7
KEY_ENTRY = 32 + 32 + 2 + (32 + 24 + 16 + 32 + 4 + 52 + 64)   # §5.4 entry with its box
DOCS = ("protocol_v1.json", "protocol_v1_padded.json")
GOV_DOC = "governance_v1.json"
ROLES = {0: "member", 1: "admin", 2: "moderator", 3: "observer", 4: "owner"}   # §8.1
INVITE_TYPES = {16: "invite_bundle", 17: "join_request", 18: "welcome"}


class Malformed(Exception):
    """The bytes do not follow the spec."""


# ---- §2 primitives, §3 labels ------------------------------------------------------------
def person(label: str) -> bytes:
    return label.encode("ascii").ljust(16, b"\0")


def kdf(key: bytes, label: str, ctx: bytes = b"", n: int = 32) -> bytes:
    return hashlib.blake2b(ctx, key=key, person=person(label), digest_size=n).digest()


def hsh(label: str, data: bytes, n: int = 32) -> bytes:
    return hashlib.blake2b(data, person=person(label), digest_size=n).digest()


def signed(label: str) -> bytes:
    return f"coterie/v1/{label}".encode() + b"\0"


def check_sig(public_key: bytes, message: bytes, sig: bytes) -> None:
    try:
        VerifyKey(public_key).verify(message, sig)
    except (BadSignatureError, ValueError) as exc:
        raise Malformed("signature does not verify") from exc


def unpad(data: bytes) -> bytes:
    body = data.rstrip(b"\0")
    if not body.endswith(b"\x80"):
        raise Malformed("padding is not 0x80 then zeros")
    return body[:-1]


# ---- §4 encoding ---------------------------------------------------------------------------
class Fields:
    """Big-endian fields read in order; done() insists nothing is left."""

    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise Malformed("input ends early")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def u8(self) -> int:
        return self.take(1)[0]

    def u16(self) -> int:
        return int(struct.unpack(">H", self.take(2))[0])

    def u32(self) -> int:
        return int(struct.unpack(">I", self.take(4))[0])

    def u64(self) -> int:
        return int(struct.unpack(">Q", self.take(8))[0])

    def var16(self) -> bytes:
        return self.take(self.u16())

    def var32(self) -> bytes:
        return self.take(self.u32())

    def text(self, max_bytes: int = 200) -> str:
        raw = self.var16()
        if len(raw) > max_bytes:
            raise Malformed("text too long")
        return raw.decode("utf-8")

    def flag(self) -> bool:
        v = self.u8()
        if v > 1:
            raise Malformed("flag byte")
        return v == 1

    def opt32(self) -> bytes | None:
        return self.take(32) if self.flag() else None

    def done(self) -> None:
        if self.pos != len(self.data):
            raise Malformed("trailing bytes")


def sorted_unique(keys: list[Any]) -> None:
    if keys != sorted(set(keys)):
        raise Malformed("keys not sorted and unique")


# ---- §7.1 identity blob -------------------------------------------------------------------
@dataclass
class Ident:
    ik: bytes
    prekeys: dict[bytes, bytes]      # spk public -> secret


def parse_identity(blob: bytes) -> Ident:
    f = Fields(blob)
    if f.u8() != 1:
        raise Malformed("identity version")
    seed = f.take(32)
    count = f.u8()
    if not 1 <= count <= 16:
        raise Malformed("prekey count")
    rows = [(f.u64(), f.take(32)) for _ in range(count)]
    f.done()
    if rows != sorted(rows):
        raise Malformed("prekeys not oldest first")
    ik, _ = crypto_sign_seed_keypair(seed)
    return Ident(ik, {crypto_scalarmult_base(secret): secret for _, secret in rows})


# ---- §13 group state blob -------------------------------------------------------------------
def parse_chain(f: Fields) -> None:
    f.opt32()
    f.u32(), f.u32(), f.u32()
    sorted_unique([(f.u32(), f.u64())[0] for _ in range(f.u16())])
    sorted_unique([(f.u32(), f.take(32), f.u64())[0] for _ in range(f.u16())])
    sorted_unique([(f.u32(), f.take(32))[0] for _ in range(f.u16())])
    sorted_unique([(f.u32(), f.take(32))[0] for _ in range(f.u16())])


def parse_member(f: Fields) -> tuple[bytes, bytes, int, int, str]:
    ik, spk, role, joined, name = f.take(32), f.take(32), f.u8(), f.u32(), f.text()
    if role > 3:   # §8.1: a member record never says owner
        raise Malformed("role")
    return ik, spk, role, joined, name


def parse_gov(f: Fields) -> dict[int, bytes]:
    """§13: count u16 ‖ (tag u8 ‖ var32(value))*, tags ascending and known."""
    fields: dict[int, bytes] = {}
    for _ in range(f.u16()):
        tag, value = f.u8(), f.var32()
        if tag not in (1, 2, 3) or (fields and tag <= max(fields)):
            raise Malformed("governance tag")
        fields[tag] = value
    if 1 in fields and len(fields[1]) != 32:
        raise Malformed("owner")
    if 2 in fields:
        g = Fields(fields[2])
        for _ in range(g.u16()):
            g.u32(), g.u64(), g.take(32)
            if g.u8() not in ROLES or g.u8() not in ROLES:
                raise Malformed("role log")
        g.done()
    if 3 in fields:
        g = Fields(fields[3])
        sorted_unique([(g.take(16), g.u8())[0] for _ in range(g.u16())])
        g.done()
    return fields


def parse_state(blob: bytes) -> dict[str, Any]:
    f = Fields(blob)
    version = f.u8()
    if version not in (1, 2, 3):
        raise Malformed("state version")
    state: dict[str, Any] = {"ik": f.take(32), "group_id": f.take(16), "name": f.text(),
                             "relay": f.text(512), "status": f.u8(), "fork": f.flag(),
                             "last_heartbeat": f.u64()}
    state["members"] = [parse_member(f) for _ in range(f.u16())]
    base, n = f.u32(), f.u32()
    state["control_hashes"] = {base + i: f.take(32) for i in range(n)}
    state["current"] = f.u32()
    epochs = []
    for _ in range(f.u16()):
        epoch = {"epoch": f.u32(), "mailbox": f.take(32), "header_key": f.take(32),
                 "write_seed": f.take(32), "read_seed": f.take(32), "commitment": f.take(32),
                 "started_at": f.u64(), "superseded_at": f.u64(), "message_count": f.u32(),
                 "my_ck": f.take(32), "my_seq": f.u32(), "my_last_id": f.take(32)}
        peers = []
        for _ in range(f.u16()):
            peers.append(f.take(32))
            parse_chain(f)
        sorted_unique(peers)
        epochs.append(epoch)
    sorted_unique([e["epoch"] for e in epochs])
    state["epochs"] = epochs
    invite_ids = []
    for _ in range(f.u16()):
        secret = f.take(32)
        f.u16(), f.u16(), f.u64(), f.u64(), f.flag()
        [f.take(32) for _ in range(f.u16())]
        invite_ids.append(kdf(secret, "cot/inv/id", n=16))
    sorted_unique(invite_ids)
    request_ids = []
    for _ in range(f.u16()):
        request_ids.append(f.take(32))
        f.take(16), f.take(32), f.take(32), f.u64(), f.take(64), f.text(), f.u64(), f.u64()
    sorted_unique(request_ids)
    state["held"] = [(f.u32(), f.var32()) for _ in range(f.u32())]
    if version >= 2:
        leaving = [(f.u32(), parse_member(f), f.take(32))[0] for _ in range(f.u16())]
        sorted_unique(leaving)
        if version == 2 and not leaving:
            raise Malformed("empty leaving list")
    state["gov"] = parse_gov(f) if version == 3 else {}
    f.done()
    return state


# ---- §5 envelopes ---------------------------------------------------------------------------
def open_outer(key: bytes, mailbox: bytes, envelope: bytes) -> bytes:
    if len(envelope) not in BUCKETS or envelope[0] != 1:
        raise Malformed("outer length or version")
    try:
        padded = crypto_aead_xchacha20poly1305_ietf_decrypt(envelope[25:], b"\x01" + mailbox,
                                                            envelope[1:25], key)
    except CryptoError as exc:
        raise Malformed("outer AEAD") from exc
    if len(padded) != len(envelope) - OUTER_OVERHEAD:
        raise Malformed("padded length")
    return unpad(padded)


@dataclass
class Inner:
    header: bytes
    type: int
    group_id: bytes
    epoch: int
    sender: bytes
    seq: int
    prev_id: bytes
    control_seq: int
    control_hash: bytes
    sent_at: int
    body: bytes
    pt_hash: bytes
    sig: bytes

    @property
    def message_id(self) -> bytes:
        return hsh("cot/msg-id", self.header + self.sig)


def parse_inner(raw: bytes) -> Inner:
    """§5.2: header[134] ‖ body_len u32 ‖ body ‖ pt_hash[32] ‖ sig[64], signature checked."""
    f = Fields(raw)
    header = f.take(134)
    h = Fields(header)
    typ, version = h.u8(), h.u8()
    fields = (h.take(16), h.u32(), h.take(32), h.u32(), h.take(32), h.u32(), h.take(32), h.u64())
    h.done()
    if version != 1:
        raise Malformed("inner version")
    body = f.var32()
    pt_hash, sig = f.take(32), f.take(64)
    f.done()
    inner = Inner(header, typ, *fields, body, pt_hash, sig)
    check_sig(inner.sender, signed("envelope") + header + hsh("cot/body", body) + pt_hash, sig)
    return inner


def parse_box_list(f: Fields) -> list[tuple[bytes, bytes, bytes]]:
    """§5.4: count u16 ‖ (recipient_ik[32] ‖ recipient_spk[32] ‖ var16(box))*."""
    entries = [(f.take(32), f.take(32), f.var16()) for _ in range(f.u16())]
    sorted_unique([e[0] for e in entries])
    return entries


def open_box(me: Ident, spk: bytes, label: str, box: bytes) -> tuple[bytes, bytes]:
    """§7.2: (sender_ik, payload) of a pairwise box to one of `me`'s prekeys."""
    try:
        plaintext = crypto_box_open_easy(box[56:], box[32:56], box[:32], me.prekeys[spk])
    except (CryptoError, KeyError) as exc:
        raise Malformed("pairwise box") from exc
    f = Fields(plaintext)
    sender, payload, sig = f.take(32), f.var32(), f.take(64)
    f.done()
    check_sig(sender, signed(label) + sender + me.ik + spk + payload, sig)
    return sender, payload


# ---- §8 control entries, §10 invites --------------------------------------------------------
def parse_entry(raw: bytes) -> dict[str, Any]:
    f = Fields(raw)
    if f.u8() != 1:
        raise Malformed("entry version")
    entry = {"group_id": f.take(16), "seq": f.u32(), "prev_hash": f.take(32),
             "author": f.take(32), "time": f.u64(), "op": f.u8(), "epoch": f.u32(),
             "commitment": f.take(32), "data": f.var16()}
    unsigned = raw[:f.pos]
    sig = f.take(64)
    f.done()
    check_sig(entry["author"], signed("control") + unsigned, sig)
    if entry["op"] > 6 or (entry["op"] in (0, 1, 2, 5)) != (entry["commitment"] != bytes(32)):
        raise Malformed("op or commitment")
    entry["hash"] = hsh("cot/control", raw)
    d = Fields(entry["data"])
    if entry["op"] == 0:
        d.text()
    if entry["op"] in (0, 1):
        ik, spk, created, spk_sig = d.take(32), d.take(32), d.u64(), d.take(64)
        d.text()
        entry["role"] = d.u8()
        if entry["role"] > 3:
            raise Malformed("member record role")
        check_sig(ik, signed("prekey") + ik + spk + struct.pack(">Q", created), spk_sig)
        entry["member"] = ik
    elif entry["op"] in (2, 3):
        entry["target"] = d.take(32)
    elif entry["op"] == 4:
        entry["name"] = d.text()
    elif entry["op"] == 6:   # §8.1 role: ik ‖ role u8 (4 = hand ownership over)
        entry["target"], entry["role"] = d.take(32), d.u8()
        if entry["role"] not in ROLES:
            raise Malformed("role entry")
    d.done()
    return entry


def parse_link(link: str) -> tuple[str, bytes, bytes]:
    """§10: coterie://join#1.<b64 relay>.<b64 S>.<b64 inviter IK>."""
    import base64

    prefix = "coterie://join#"
    if not link.startswith(prefix):
        raise Malformed("link prefix")
    version, *parts = link[len(prefix):].split(".")
    if version != "1" or len(parts) != 3:
        raise Malformed("link parts")
    relay, secret, ik = (base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)) for p in parts)
    if len(secret) != 32 or len(ik) != 32:
        raise Malformed("link lengths")
    return relay.decode("utf-8"), secret, ik


# ---- the walk over the vectors --------------------------------------------------------------
@cache
def _doc(name: str = DOCS[0]) -> dict[str, Any]:
    return json.loads((HERE / name).read_text(encoding="utf-8"))


@dataclass
class Reading:
    """What the decoder learnt so far while walking the envelopes in order."""

    idents: dict[bytes, Ident]
    states: list[dict[str, Any]]
    header_keys: dict[bytes, bytes] = field(default_factory=dict)   # mailbox -> key
    epoch_of: dict[bytes, int] = field(default_factory=dict)        # mailbox -> epoch
    chains: dict[tuple[bytes, int], bytes] = field(default_factory=dict)  # (ik, epoch) -> CK_1
    entries: dict[int, dict[str, Any]] = field(default_factory=dict)
    expected_mailboxes: dict[int, bytes] = field(default_factory=dict)  # epoch -> from ES
    key_list_lengths: dict[int, set[int]] = field(default_factory=dict)  # epoch -> lengths
    welcome_owner: dict[bytes, bytes | None] = field(default_factory=dict)  # joiner -> owner
    kinds: set[int] = field(default_factory=set)                    # content kinds read

    def member_box(self, entries: list[tuple[bytes, bytes, bytes]],
                   label: str) -> tuple[bytes, bytes] | None:
        """(sender_ik, payload) of the first box addressed to a member whose identity the
        vectors hold; None when there is none (dummy entries are no one's)."""
        for ik, spk, box in entries:
            me = self.idents.get(ik)
            if me is not None and spk in me.prekeys:
                return open_box(me, spk, label, box)
        return None


def _reading(name: str = DOCS[0]) -> Reading:
    doc = _doc(name)
    idents = {i.ik: i for i in (parse_identity(bytes.fromhex(b))
                                for b in doc["identities"].values())}
    states = [parse_state(bytes.fromhex(b)) for b in doc["sessions"].values()]
    reading = Reading(idents, states)
    for state in states:
        for ep in state["epochs"]:
            reading.header_keys[ep["mailbox"]] = ep["header_key"]
            reading.epoch_of[ep["mailbox"]] = ep["epoch"]
    return reading


# ---- §5.3.1 channels, threads and pins -------------------------------------------------------
SPACE_KINDS = {(1, 2), (6, 1), (7, 1)}


def _tags(f: Fields, limit: int) -> list[str]:
    n = f.u8()
    if n > limit:
        raise Malformed("too many tags")
    tags = [f.text(32) for _ in range(n)]
    if any(not t for t in tags) or tags != sorted(set(tags), key=lambda t: t.encode()):
        raise Malformed("tags not 1..32 bytes, sorted and unique")
    return tags


def spec_space_payload(payload: bytes) -> dict[str, Any]:
    """A kind 1 v2, 6 or 7 payload read field by field from §5.3 and §5.3.1."""
    f = Fields(payload)
    kind, version = f.u8(), f.u8()
    if (kind, version) == (1, 2):
        reply_to, channel, thread = f.opt32(), f.take(16), f.opt32()
        title, tags, text = f.text(200), _tags(f, 8), f.text(32_000)
        f.done()
        if thread is not None and (title or tags):
            raise Malformed("a thread reply has no title or tags")
        if channel == bytes(16) and thread is None and not title and not tags:
            raise Malformed("that post is version 1")
        return {"type": "post", "text": text, "reply_to": reply_to.hex() if reply_to else None,
                "channel": channel.hex(), "thread": thread.hex() if thread else None,
                "title": title, "tags": tags}
    if (kind, version) == (6, 1):
        channel, channel_kind = f.take(16), f.u8()
        name, topic, position = f.text(64), f.text(512), f.u16()
        archived, tags = f.flag(), _tags(f, 20)
        f.done()
        if channel_kind not in (0, 1, 2) or not name.strip():
            raise Malformed("unknown channel kind or no name")
        if channel == bytes(16) and (channel_kind != 0 or archived):
            raise Malformed("General is chat and never archived")
        return {"type": "channel", "channel": channel.hex(), "channel_kind": channel_kind,
                "name": name, "topic": topic, "position": position, "archived": archived,
                "tags": tags}
    if (kind, version) == (7, 1):
        channel, target, on = f.take(16), f.take(32), f.flag()
        f.done()
        return {"type": "pin", "channel": channel.hex(), "target": target.hex(), "on": on}
    raise Malformed("not a channel, thread or pin payload")


def _content(reading: Reading, inner: Inner, row: dict[str, Any]) -> None:
    """§5.3 and §6.1: MK_seq from the sender's CK_1, then the payload."""
    ck = reading.chains[(inner.sender, inner.epoch)]
    for _ in range(inner.seq - 1):
        ck = kdf(ck, "cot/chain/next")
    mk = kdf(ck, "cot/chain/msg")
    payload = crypto_aead_xchacha20poly1305_ietf_decrypt(inner.body[24:], inner.header,
                                                         inner.body[:24], mk)
    assert hsh("cot/plaintext", payload) == inner.pt_hash
    assert payload.hex() == row["plaintext"]
    if (payload[0], payload[1]) in SPACE_KINDS:
        spec_space_payload(payload)
        return
    f = Fields(payload)
    kind, kind_version = f.u8(), f.u8()
    assert kind_version == 1
    if kind == 1:
        f.opt32(), f.text(32_000)
    elif kind == 2:
        f.take(32), f.flag(), f.text(64)
    elif kind == 3:
        f.take(32), f.text(32_000)
    elif kind in (4, 5):
        f.take(32)
    elif kind in POLL_KINDS:
        parse_poll_payload(kind, f)
    elif kind in (32, 35):       # §5.3.3 moderator's removal, ban: target ‖ text(reason)
        f.take(32), f.text(200)
    elif kind == 33:             # timeout: member ‖ until u64 (not 0) ‖ text(reason)
        f.take(32)
        assert f.u64() > 0
        f.text(200)
    elif kind in (34, 36):       # lift, unban: member
        f.take(32)
    elif kind == 37:             # channel rule: channel[16] ‖ slowmode u32 ‖ locked u8
        f.take(16)
        assert f.u32() <= 7 * 86400
        f.flag()
    elif kind == 38:             # group settings: quiet u8 ‖ newcomer_days u16 (≤ 365)
        f.flag()
        assert f.u16() <= 365
    else:
        return  # an unknown kind is kept as raw bytes (§5.3)
    f.done()
    reading.kinds.add(kind)


def _control(reading: Reading, inner: Inner) -> None:
    """§8: var32(entry) ‖ box list; the chain of hashes and the epoch secret's commitment."""
    f = Fields(inner.body)
    raw_entry = f.var32()
    boxes = parse_box_list(f)
    f.done()
    entry = parse_entry(raw_entry)
    assert entry["author"] == inner.sender and entry["group_id"] == inner.group_id
    hashes = reading.states[0]["control_hashes"]   # the founder's log, from genesis
    assert hashes[entry["seq"]] == entry["hash"]
    assert hashes[entry["seq"] - 1] == entry["prev_hash"]
    reading.entries[entry["seq"]] = entry
    opened = reading.member_box(boxes, "epoch-key") if entry["op"] in (1, 2, 5) else None
    if entry["op"] in (1, 2, 5) and opened is None:
        # the author is the only one staying: ES travels in the Welcome alone
        assert entry["op"] == 1 and entry["epoch"] == inner.epoch + 1
    elif opened is not None:
        sender, payload = opened
        assert sender == entry["author"]
        p = Fields(payload)
        gid, epoch, es = p.take(16), p.u32(), p.take(32)
        p.done()
        ctx = gid + struct.pack(">I", epoch)
        assert gid == inner.group_id and epoch == entry["epoch"] == inner.epoch + 1
        assert kdf(es, "cot/ep/commit", ctx) == entry["commitment"]
        reading.expected_mailboxes[epoch] = kdf(es, "cot/ep/mailbox", ctx)
        assert reading.header_keys[reading.expected_mailboxes[epoch]] == kdf(
            es, "cot/ep/header", ctx)
    else:
        assert not boxes and entry["epoch"] == inner.epoch


def _sender_key(reading: Reading, inner: Inner) -> None:
    """§5.4: seq 0, one box per other member, payload group_id ‖ epoch ‖ CK_1."""
    assert inner.seq == 0 and inner.prev_id == bytes(32)
    f = Fields(inner.body)
    boxes = parse_box_list(f)
    f.done()
    assert inner.sender not in {ik for ik, _, _ in boxes}
    reading.key_list_lengths.setdefault(inner.epoch, set()).add(len(inner.body))
    opened = reading.member_box(boxes, "sender-key")
    assert opened is not None
    sender, payload = opened
    assert sender == inner.sender
    p = Fields(payload)
    gid, epoch, ck = p.take(16), p.u32(), p.take(32)
    p.done()
    assert gid == inner.group_id and epoch == inner.epoch
    reading.chains[(sender, epoch)] = ck


def _heartbeat(inner: Inner) -> None:
    f = Fields(inner.body)
    claims = [(f.take(32), f.u32()) for _ in range(f.u16())]
    f.done()
    sorted_unique([ik for ik, _ in claims])
    assert inner.sender not in {ik for ik, _ in claims}


def _prekey(inner: Inner) -> None:
    f = Fields(inner.body)
    spk, created, sig = f.take(32), f.u64(), f.take(64)
    f.done()
    check_sig(inner.sender, signed("prekey") + inner.sender + spk + struct.pack(">Q", created),
              sig)


def _cover(reading: Reading, inner: Inner) -> None:
    """§5.7: any bytes, as long as a padded sender-key list of the epoch's bucket."""
    assert (len(inner.body) - 2) % KEY_ENTRY == 0
    assert (len(inner.body) - 2) // KEY_ENTRY + 1 in MEMBER_BUCKETS
    assert reading.key_list_lengths.get(inner.epoch, {len(inner.body)}) == {len(inner.body)}


def _group_row(reading: Reading, row: dict[str, Any], mailbox: bytes) -> None:
    raw = open_outer(reading.header_keys[mailbox], mailbox, bytes.fromhex(row["envelope"]))
    assert raw.hex() == row["inner"]
    inner = parse_inner(raw)
    assert TYPES[inner.type] == row["type"]
    assert inner.epoch == row["epoch"] == reading.epoch_of[mailbox]
    if inner.epoch in reading.expected_mailboxes:
        assert reading.expected_mailboxes[inner.epoch] == mailbox
    assert inner.message_id.hex() == row["message_id"]
    if inner.type == 1:
        _content(reading, inner, row)
        return
    assert hsh("cot/plaintext", inner.body) == inner.pt_hash
    {2: lambda: _control(reading, inner), 3: lambda: _sender_key(reading, inner),
     4: lambda: _heartbeat(inner), 5: lambda: _prekey(inner),
     6: lambda: _cover(reading, inner)}[inner.type]()


def _invite_row(reading: Reading, row: dict[str, Any], secret: bytes, inviter: bytes) -> None:
    """§10: type u8 ‖ 0x01 ‖ payload, sealed with the invite key."""
    mailbox = kdf(secret, "cot/inv/mailbox")
    raw = open_outer(kdf(secret, "cot/inv/key"), mailbox, bytes.fromhex(row["envelope"]))
    assert raw.hex() == row["inner"] and raw[1] == 1
    assert INVITE_TYPES[raw[0]] == row["type"]
    invite_id = kdf(secret, "cot/inv/id", n=16)
    f = Fields(raw[2:])
    if raw[0] == 16:
        fields_start = f.pos
        got_id, ik, spk, created, spk_sig = f.take(16), f.take(32), f.take(32), f.u64(), f.take(64)
        f.u64(), f.text(), f.text()
        unsigned = f.data[fields_start:f.pos]
        sig = f.take(64)
        f.done()
        assert got_id == invite_id and ik == inviter
        check_sig(inviter, signed("invite-bundle") + unsigned, sig)
        check_sig(ik, signed("prekey") + ik + spk + struct.pack(">Q", created), spk_sig)
    elif raw[0] == 17:
        inviter_spk, box = f.take(32), f.data[f.pos:]
        joiner, payload = open_box(reading.idents[inviter], inviter_spk, "join-request", box)
        p = Fields(payload)
        got_id, spk, _, spk_sig, sent_at = p.take(16), p.take(32), p.u64(), p.take(64), p.u64()
        nonce, name, mac = p.take(16), p.text(), p.take(32)
        p.done()
        assert got_id == invite_id
        want = hashlib.blake2b(signed("join-mac") + invite_id + joiner + spk
                               + struct.pack(">Q", sent_at) + nonce + name.encode(),
                               key=kdf(secret, "cot/inv/mac"), digest_size=32).digest()
        assert mac == want
    else:
        joiner_ik, joiner_spk, box = f.take(32), f.take(32), f.data[f.pos:]
        sender, payload = open_box(reading.idents[joiner_ik], joiner_spk, "welcome", box)
        assert sender == inviter
        p = Fields(payload)
        gid, got_id, _, _ = p.take(16), p.take(16), p.text(), p.text(512)
        es, entry = p.take(32), parse_entry(p.var32())
        members = [parse_member(p) for _ in range(p.u16())]
        gov = parse_gov(p) if p.pos < len(p.data) else {}
        p.done()
        if set(gov) - {1}:
            raise Malformed("a Welcome carries only the owner")
        reading.welcome_owner[joiner_ik] = gov.get(1)
        assert got_id == invite_id and entry["op"] == 1 and entry["member"] == joiner_ik
        assert reading.entries[entry["seq"]]["hash"] == entry["hash"]
        ctx = gid + struct.pack(">I", entry["epoch"])
        assert kdf(es, "cot/ep/commit", ctx) == entry["commitment"]
        reading.expected_mailboxes[entry["epoch"]] = kdf(es, "cot/ep/mailbox", ctx)
        assert joiner_ik in {m[0] for m in members}


def test_identity_and_group_state_blobs_parse_to_their_last_byte() -> None:
    reading = _reading()
    assert len(reading.idents) == 3 and len(reading.states) == 3
    for state in reading.states:
        assert state["ik"] in reading.idents
        assert state["current"] in {e["epoch"] for e in state["epochs"]}
    state_doc = json.loads((HERE / "state_v1.json").read_text(encoding="utf-8"))
    parsed = parse_state(bytes.fromhex(state_doc["state"]))
    assert parsed["ik"] == parse_identity(bytes.fromhex(state_doc["identity"])).ik
    for vector in state_doc["negative"]:
        with pytest.raises(Malformed):
            parse_state(bytes.fromhex(vector["input"]))


@pytest.mark.parametrize("name", DOCS)
def test_every_envelope_decodes_field_by_field_from_the_spec(name: str) -> None:
    doc = _doc(name)
    reading = _reading(name)
    relay, secret, inviter = parse_link(doc["link"])
    assert relay == "https://relay.example"
    invite_mailbox = kdf(secret, "cot/inv/mailbox")
    seen = set()
    for row in doc["envelopes"]:
        mailbox = bytes.fromhex(row["mailbox"])
        if mailbox == invite_mailbox:
            _invite_row(reading, row, secret, inviter)
        else:
            _group_row(reading, row, mailbox)
        seen.add(row["type"])
    expected = set(TYPES.values()) | set(INVITE_TYPES.values())
    assert seen == (expected - {"cover"} if name == DOCS[0] else expected)
    assert sorted(reading.entries) == list(range(1, 1 + len(reading.entries)))


@pytest.mark.parametrize("name", [
    "envelope length is not a size bucket", "unknown envelope version", "ciphertext altered",
    "trailing bytes after the inner message", "inner version 2, correctly signed",
    "signed by another member than the header names",
    "message type changed without re-signing"])
def test_the_decoder_refuses_the_structural_negative_vectors(name: str) -> None:
    vector = next(v for v in _doc()["negative"] if v["name"] == name)
    reading = _reading()
    mailbox = bytes.fromhex(vector["mailbox"])
    with pytest.raises(Malformed):
        parse_inner(open_outer(reading.header_keys[mailbox], mailbox,
                               bytes.fromhex(vector["input"])))


def test_channel_thread_and_pin_payloads_decode_from_the_spec() -> None:
    doc = json.loads((HERE / "spaces_v1.json").read_text(encoding="utf-8"))
    for vector in doc["known"]:
        raw = bytes.fromhex(vector["payload"])
        if raw[:2] == b"\x01\x01":   # a General post stays version 1 (§5.3.1)
            f = Fields(raw[2:])
            reply_to, text = f.opt32(), f.text(32_000)
            f.done()
            assert vector["fields"]["text"] == text and reply_to is None
            continue
        assert spec_space_payload(raw) == vector["fields"], vector["name"]
    for vector in doc["negative"]:
        with pytest.raises((Malformed, UnicodeDecodeError)):
            spec_space_payload(bytes.fromhex(vector["input"]))


# ---- polls and events (§ "Polls and events", content kinds 16-23) ---------------------------
POLL_KINDS = {16: "poll_create", 17: "poll_vote", 18: "poll_sealed_vote", 19: "poll_tally",
              20: "poll_close", 21: "event_create", 22: "event_update", 23: "rsvp"}
BALLOT_LABEL = b"coterie/v1/ballot\0"
BALLOT_LEN = len(BALLOT_LABEL) + 16 + 32 + 32 + 2
POLLS_DOC = "polls_v1.json"


def _nonblank(text: str) -> str:
    if not text.strip():
        raise Malformed("an empty text where one is required")
    return text


def _event_fields(f: Fields) -> dict[str, Any]:
    starts, ends = f.u64(), f.u64()
    tz, title = f.text(64), _nonblank(f.text(200))
    description, place = f.text(4000), f.text(500)
    if ends and ends < starts:
        raise Malformed("an event ends before it starts")
    return {"starts": starts, "ends": ends, "tz": tz, "title": title,
            "description": description, "place": place}


def parse_poll_payload(kind: int, f: Fields) -> dict[str, Any]:
    """The fields after kind ‖ 0x01 of kinds 16-23 (the caller checks nothing is left)."""
    if kind == 16:
        channel, flags, closes_at = f.take(16), f.u8(), f.u64()
        if flags & ~3:
            raise Malformed("unknown poll flags")
        key = f.take(32) if flags & 2 else None
        question = _nonblank(f.text(500))
        n = f.u8()
        if not 2 <= n <= 12:
            raise Malformed("a poll has 2 to 12 options")
        options = [_nonblank(f.text(200)) for _ in range(n)]
        if len(set(options)) != n:
            raise Malformed("poll options repeat")
        return {"channel": channel, "multi": bool(flags & 1), "anonymous": key is not None,
                "closes_at": closes_at, "ballot_key": key, "question": question,
                "options": options}
    if kind == 17:
        poll, choices = f.take(32), f.u16()
        if choices >> 12:
            raise Malformed("a vote names an option beyond the twelfth")
        return {"poll": poll, "choices": choices}
    if kind == 18:
        return {"poll": f.take(32), "sealed": f.take(32 + 16 + BALLOT_LEN)}
    if kind == 19:
        start = f.pos
        poll, seq, closed, voters, n = f.take(32), f.u32(), f.flag(), f.u16(), f.u8()
        if not 1 <= n <= 12:
            raise Malformed("a tally counts 1 to 12 options")
        counts = [f.u16() for _ in range(n)]
        signed_fields = f.data[start:f.pos]
        return {"poll": poll, "seq": seq, "closed": closed, "voters": voters,
                "counts": counts, "signed_fields": signed_fields, "sig": f.take(64)}
    if kind == 20:
        return {"poll": f.take(32)}
    if kind == 21:
        return {"channel": f.take(16), **_event_fields(f)}
    if kind == 22:
        return {"event": f.take(32), "cancelled": f.flag(), **_event_fields(f)}
    if kind == 23:
        event, answer = f.take(32), f.u8()
        if answer > 3:
            raise Malformed("an RSVP is 0-3")
        return {"event": event, "answer": answer}
    raise Malformed("not a poll or event kind")


def _poll_payload(hex_payload: str) -> tuple[int, dict[str, Any]]:
    f = Fields(bytes.fromhex(hex_payload))
    kind, version = f.u8(), f.u8()
    if version != 1 or kind not in POLL_KINDS:
        raise Malformed("not a v1 poll or event payload")
    fields = parse_poll_payload(kind, f)
    f.done()
    return kind, fields


def test_poll_and_event_payloads_decode_field_by_field_from_the_spec() -> None:
    doc = _doc(POLLS_DOC)
    rows = {row["name"]: _poll_payload(row["payload"]) for row in doc["payloads"]}
    assert {POLL_KINDS[k] for k, _ in rows.values()} == set(POLL_KINDS.values())
    kind, poll = rows["poll_create_open"]
    assert (poll["question"], poll["options"], poll["channel"]) == (
        "Where shall we walk?", ["Ridge", "Lake", "Forest"], bytes(16))
    assert rows["poll_vote"][1]["choices"] == 0b101
    assert rows["event_update_cancel"][1]["cancelled"] is True
    assert rows["rsvp_maybe"][1]["answer"] == 2


def test_a_sealed_ballot_opens_as_a_libsodium_sealed_box_and_names_its_voter() -> None:
    from nacl.bindings import crypto_box_seal_open
    doc = _doc(POLLS_DOC)
    _kind, vote = _poll_payload(next(r["payload"] for r in doc["payloads"]
                                     if r["name"] == "poll_sealed_vote"))
    ballot = crypto_box_seal_open(vote["sealed"], bytes.fromhex(doc["ballot_key"]),
                                  bytes.fromhex(doc["ballot_secret"]))
    f = Fields(ballot)
    assert f.take(len(BALLOT_LABEL)) == BALLOT_LABEL
    assert f.take(16).hex() == doc["group_id"] and f.take(32) == vote["poll"]
    assert f.take(32).hex() == doc["voter_ik"]
    assert f.u16() == doc["sealed_vote_choices"]
    f.done()


def test_a_tally_is_signed_by_the_creator_over_the_group_and_its_fields() -> None:
    doc = _doc(POLLS_DOC)
    for name, key in (("poll_tally", "creator_ik"), ("poll_tally_device", "creator_device_pk")):
        _kind, tally = _poll_payload(next(r["payload"] for r in doc["payloads"]
                                          if r["name"] == name))
        message = signed("poll-tally") + bytes.fromhex(doc["group_id"]) + tally["signed_fields"]
        check_sig(bytes.fromhex(doc[key]), message, tally["sig"])
    for rule in doc["rules"]:
        if rule["check"] == "verify_tally":
            _k, bad = _poll_payload(rule["input"])
            with pytest.raises(Malformed):
                check_sig(bytes.fromhex(doc[rule.get("key", "creator_ik")]), signed("poll-tally")
                          + bytes.fromhex(doc["group_id"]) + bad["signed_fields"], bad["sig"])


def test_the_decoder_refuses_the_poll_and_event_negative_vectors() -> None:
    for vector in _doc(POLLS_DOC)["negative"]:
        with pytest.raises(Malformed):
            _poll_payload(vector["input"])


def _replay_roles(reading: Reading, founder: bytes) -> dict[bytes, str]:
    """§8.1 from the entries alone: the founder owns the group; add gives the record's
    role; role 4 hands ownership over and leaves the old owner an admin."""
    roles = {founder: "owner"}
    for seq in sorted(reading.entries):
        entry = reading.entries[seq]
        if entry["op"] == 1:
            roles[entry["member"]] = ROLES[entry["role"]]
        elif entry["op"] == 2:
            roles.pop(entry["target"])
        elif entry["op"] == 3:
            roles[entry["target"]] = "admin"
        elif entry["op"] == 6:
            assert roles[entry["author"]] in ("owner", "admin")
            if entry["role"] == 4:
                assert roles[entry["author"]] == "owner"
                roles[entry["author"]] = "admin"
            roles[entry["target"]] = ROLES[entry["role"]]
    return roles


def test_the_governance_vectors_decode_from_the_spec_and_give_every_role() -> None:
    doc = _doc(GOV_DOC)
    reading = _reading(GOV_DOC)
    relay, secret, inviter = parse_link(doc["link"])
    invite_mailbox = kdf(secret, "cot/inv/mailbox")
    for row in doc["envelopes"]:
        mailbox = bytes.fromhex(row["mailbox"])
        if mailbox == invite_mailbox:
            _invite_row(reading, row, secret, inviter)
        else:
            _group_row(reading, row, mailbox)
    assert {e["op"] for e in reading.entries.values()} == {1, 6}
    assert {e["role"] for e in reading.entries.values() if e["op"] == 6} == {2, 0, 4}
    roles = _replay_roles(reading, inviter)
    names = {parse_identity(bytes.fromhex(b)).ik: n.capitalize()
             for n, b in doc["identities"].items()}
    want = {names[ik]: role for ik, role in roles.items()}
    for state in reading.states:
        assert doc["roles"][names[state["ik"]].lower()] == want
        # the blob writes the owner as an admin and names them in the section when they
        # are not the founder
        owner = next(ik for ik, r in roles.items() if r == "owner")
        assert state["gov"].get(1) == owner
        assert {m[0]: m[2] for m in state["members"]}[owner] == 1
    # the first Welcomes came before the hand-over and name no owner; the last names Ben
    owners = list(reading.welcome_owner.values())
    assert owners[:-1] == [None] * (len(owners) - 1) and owners[-1] == owner
    assert 3 in reading.states[0]["gov"]   # the founder's invite starts joiners as observers
    assert set(range(32, 39)) <= reading.kinds   # every moderation kind, field by field


def test_the_governance_negative_vector_is_a_timeout_the_spec_refuses() -> None:
    """§5.3.3: a timeout is refused unless its sender's role outranks its target's. The
    vectors' last content row is an admin's timeout of the owner: decoded from the spec, it
    names the owner, and every receiver recorded it as refused."""
    doc = _doc(GOV_DOC)
    [row] = [r for r in doc["envelopes"] if r["step"].startswith("refused:")]
    payload = bytes.fromhex(row["plaintext"])
    assert payload[:2] == bytes([33, 1])                    # kind timeout, version 1
    target = payload[2:34]
    names = {parse_identity(bytes.fromhex(b)).ik: n for n, b in doc["identities"].items()}
    rank = {"observer": 0, "member": 1, "moderator": 2, "admin": 3, "owner": 4}
    roles = doc["roles"]["cai"]                             # the same at every member
    sender_role = roles[row["sender"]]
    target_role = roles[names[target].capitalize()]
    assert (sender_role, target_role) == ("admin", "owner")
    assert not rank[sender_role] > rank[target_role]
    receivers = {n.capitalize() for n in doc["sessions"]} - {row["sender"]}
    assert set(doc["refused"]) == receivers
    assert all(r == ["a timeout can only reach a member whose role ranks below yours"]
               for r in doc["refused"].values())
