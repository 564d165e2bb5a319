"""The deterministic scenario behind tests/vectors/protocol_v1.json.

Every random byte comes from a seeded BLAKE2b counter (tests.crypto.conftest.DetRng) and
every clock reading is fixed, so running `python -m tests.vectors.generate` reproduces
the committed file byte for byte. The scenario walks every message type of protocol
version 1: invite bundle, join request, Welcome, control entries (add, promote, rename,
remove, rotate), sender keys, every content payload kind, heartbeat and prekey update.
"""
from __future__ import annotations

from typing import Any

from crypto import (
    AdminRemove,
    Delete,
    Edit,
    GroupSession,
    Identity,
    Outgoing,
    PendingJoin,
    Post,
    Reaction,
    Unsupported,
    encode_content,
    fingerprint,
    join_sas,
    labels,
    open_invite_bundle,
    parse_invite_link,
    safety_number,
)
from crypto.chains import EpochState, commitment
from crypto.envelope import open_outer
from crypto.invite import invite_key, invite_mailbox, open_invite
from crypto.pairwise import seal_pairwise
from crypto.primitives import kdf, pad
from tests.crypto.conftest import DetRng, Net, Peer

T0 = 1_750_000_000
TYPE_NAMES = {1: "content", 2: "control", 3: "sender_key", 4: "heartbeat", 5: "prekey", 6: "cover",
              16: "invite_bundle", 17: "join_request", 18: "welcome"}
RELAY = "https://relay.example"


def _peer(name: str) -> Peer:
    rng = DetRng(f"coterie-vector-{name}")
    return Peer(name.capitalize(), Identity.generate(T0, rng), rng)


class Recorder:
    """Sends through a Net and writes down every envelope with its decrypted inner bytes."""

    def __init__(self) -> None:
        self.net = Net()
        self.net.now = T0
        self.rows: list[dict[str, Any]] = []
        self.invite_secrets: dict[bytes, bytes] = {}

    def send(self, step: str, sender: Peer, items: list[Outgoing] | Outgoing,
             plaintext: bytes | None = None) -> None:
        for item in items if isinstance(items, list) else [items]:
            mb = item.mailbox.id
            if mb in self.invite_secrets:
                typ, payload = open_invite(self.invite_secrets[mb], item.body)
                inner = bytes((typ, 1)) + payload
            else:
                assert sender.session is not None
                ep = sender.session.state.by_mailbox[mb]
                inner = open_outer(ep.header_key, mb, item.body)
            self.rows.append({
                "step": step, "sender": sender.name, "type": TYPE_NAMES.get(inner[0], "?"),
                "mailbox": mb.hex(),
                "mailbox_kind": "invite" if mb in self.invite_secrets else "group",
                "epoch": item.mailbox.epoch,
                "message_id": None if item.message_id is None else item.message_id.hex(),
                "inner": inner.hex(), "envelope": item.body.hex(),
                "plaintext": None if plaintext is None else plaintext.hex(),
            })
            self.net.send(item)


def primitives_vectors() -> dict[str, Any]:
    """Known answers for the key schedule and helpers, from fixed inputs."""
    es = bytes(range(32))
    gid = bytes(range(16))
    ep = EpochState.derive(es, gid, 1, T0, bytes(32))
    ck = bytes([0x11]) * 32
    secret = bytes([0x42]) * 32
    ik_a = Identity(bytes([1]) * 32, [(T0, bytes([2]) * 32)])
    ik_b = Identity(bytes([3]) * 32, [(T0, bytes([4]) * 32)])
    mb = invite_mailbox(secret, 0)
    return {
        "epoch": {"es": es.hex(), "group_id": gid.hex(), "epoch": 1,
                  "mailbox": ep.mailbox.hex(), "header_key": ep.header_key.hex(),
                  "write_seed": ep.write_seed.hex(), "read_seed": ep.read_seed.hex(),
                  "commitment": commitment(es, gid, 1).hex()},
        "chain": {"ck": ck.hex(), "message_key": kdf(ck, labels.KDF_CHAIN_MSG).hex(),
                  "next_ck": kdf(ck, labels.KDF_CHAIN_NEXT).hex()},
        "invite": {"secret": secret.hex(), "mailbox": mb.id.hex(),
                   "write_seed": mb.capability.write_seed.hex(),
                   "read_seed": mb.capability.read_seed.hex(), "key": invite_key(secret).hex(),
                   "mac_key": kdf(secret, labels.KDF_INV_MAC).hex(),
                   "invite_id": kdf(secret, labels.KDF_INV_ID, b"", 16).hex()},
        "identity": {"seed_a": ik_a.to_bytes().hex(), "ik_a": ik_a.ik.hex(),
                     "spk_a": ik_a.spk.hex(), "spk_sig_a": ik_a.spk_signature.hex(),
                     "ik_b": ik_b.ik.hex(), "fingerprint_a": fingerprint(ik_a.ik),
                     "safety_number": safety_number(ik_a.ik, ik_b.ik),
                     "join_sas": join_sas(bytes(16), ik_a.ik, ik_b.ik)},
        "pairwise": {"box": seal_pairwise(ik_a, ik_b.ik, ik_b.spk, labels.SIG_SENDER_KEY,
                                          b"payload", DetRng("coterie-vector-box")).hex(),
                     "recipient_seed": ik_b.to_bytes().hex()},
        "pad": {"data": "68656c6c6f", "size": 16, "padded": pad(b"hello", 16).hex()},
    }


def run() -> tuple[dict[str, Any], dict[str, Peer], Recorder]:
    rec = Recorder()
    net = rec.net
    ana, ben, cai = _peer("ana"), _peer("ben"), _peer("cai")
    ana.session = GroupSession.create(ana.identity, "Vector club", RELAY, "Ana", T0, ana.rng)
    info, bundle_out = ana.session.create_invite(2, T0 + 86_400, T0, ana.rng)
    rec.invite_secrets[info.mailbox.id] = parse_invite_link(info.link).secret
    rec.send("invite bundle", ana, bundle_out)

    def join(joiner: Peer, others: tuple[Peer, ...]) -> None:
        assert ana.session is not None
        link = parse_invite_link(info.link)
        bundle = open_invite_bundle(link, net.boxes[link.mailbox.id][0], net.now)
        pending, request = PendingJoin.start(joiner.identity, link, bundle, joiner.name,
                                             net.now, joiner.rng)
        rec.send("join request", joiner, request)
        net.pump(ana)
        rid = ana.session.join_requests()[-1].request_id
        rec.send("admit", ana, ana.session.admit(rid, net.now, ana.rng))
        for body in net.boxes[link.mailbox.id]:
            joined = pending.open(body, net.now, joiner.rng)
            if joined is not None:
                joiner.session = joined.session
                rec.send("joiner sender key", joiner, joined.outgoing)
                for mb in joiner.session.mailboxes(net.now):
                    joiner.cursors.setdefault(mb.id, 0)
        pump(ana, joiner, *others)

    def pump(*peers: Peer) -> None:
        for _ in range(6):
            before = len(rec.rows)
            for peer in peers:
                assert peer.session is not None
                for mb in peer.session.mailboxes(net.now):
                    box = net.boxes.get(mb.id, [])
                    for body in box[peer.cursors.get(mb.id, 0):]:
                        opened = peer.session.open(mb.id, body, net.now, peer.rng)
                        rec.send("answer", peer, opened.outgoing)
                    peer.cursors[mb.id] = len(box)
            if len(rec.rows) == before:
                return

    join(ben, ())
    assert ana.session and ben.session
    hello = ana.session.seal(Post("Hello, vectors"), net.now, ana.rng)
    rec.send("post", ana, hello.outgoing, encode_content(Post("Hello, vectors")))
    reply = ben.session.seal(Post("Hi Ana", reply_to=hello.message_id), net.now, ben.rng)
    rec.send("reply", ben, reply.outgoing,
             encode_content(Post("Hi Ana", reply_to=hello.message_id)))
    for step, content in (("reaction", Reaction(hello.message_id, "🎉")),
                          ("reaction off", Reaction(hello.message_id, "🎉", on=False)),
                          ("edit", Edit(reply.message_id, "Hi Ana!")),
                          ("newer kind", Unsupported(200, 1, b"from the future")),
                          ("delete", Delete(reply.message_id))):
        rec.send(step, ben, ben.session.seal(content, net.now, ben.rng).outgoing,
                 encode_content(content))
    rec.send("admin remove", ana,
             ana.session.seal(AdminRemove(reply.message_id), net.now, ana.rng).outgoing,
             encode_content(AdminRemove(reply.message_id)))
    rec.send("heartbeat", ben, ben.session.heartbeat(net.now, ben.rng))
    ana.identity.rotate_prekey(net.now, ana.rng)
    rec.send("prekey", ana, ana.session.announce_prekey(net.now, ana.rng))
    pump(ana, ben)
    join(cai, (ben,))
    rec.send("promote", ana, ana.session.promote(ben.identity.ik, net.now, ana.rng))
    pump(ana, ben, cai)
    rec.send("rename", ben, ben.session.rename("Vector circle", net.now, ben.rng))
    pump(ana, ben, cai)
    rec.send("remove", ana, ana.session.remove(cai.identity.ik, net.now, ana.rng))
    pump(ana, ben, cai)
    rec.send("rotate", ana, ana.session.rotate(net.now, ana.rng))
    pump(ana, ben, cai)
    rec.send("after rotation", ben,
             ben.session.seal(Post("Still here"), net.now, ben.rng).outgoing,
             encode_content(Post("Still here")))
    pump(ana, ben, cai)
    peers = {"ana": ana, "ben": ben, "cai": cai}
    doc = {
        "link": info.link,
        "primitives": primitives_vectors(),
        "envelopes": rec.rows,
        "identities": {n: p.identity.to_bytes().hex() for n, p in peers.items()},
        "sessions": {n: p.session.to_bytes().hex() for n, p in peers.items() if p.session},
    }
    return doc, peers, rec
