"""The deterministic scenario behind tests/vectors/governance_v1.json (docs/protocol.md
§8.1): an invite that starts its joiners as observers, role entries (moderator, member,
a hand-over of ownership), a moderator removing a post, every moderation payload
(kinds 32-38, §5.3.3), a Welcome that names the new owner, and state blobs with the
governance section. Same recorder, seeds and clock as
tests/vectors/scenario.py; `python -m tests.vectors.generate` writes it."""
from __future__ import annotations

from typing import Any

from crypto import (
    AdminRemove,
    Ban,
    ChannelRule,
    ContentRefused,
    GroupSession,
    GroupSettings,
    Lift,
    ModRemove,
    PendingJoin,
    Post,
    Timeout,
    Unban,
    encode_content,
    open_invite_bundle,
    parse_invite_link,
)
from tests.crypto.conftest import Peer
from tests.crypto.test_roles import _forced_outgoing
from tests.vectors.scenario import RELAY, T0, Recorder, _peer


def run() -> dict[str, Any]:
    rec = Recorder()
    net = rec.net
    ana, ben, cai, dan = (_peer(f"gov-{n}") for n in ("ana", "ben", "cai", "dan"))
    for p, name in ((ana, "Ana"), (ben, "Ben"), (cai, "Cai"), (dan, "Dan")):
        p.name = name
    ana.session = GroupSession.create(ana.identity, "Governance club", RELAY, "Ana", T0,
                                      ana.rng)
    info, bundle_out = ana.session.create_invite(3, T0 + 86_400, T0, ana.rng, role="observer")
    rec.invite_secrets[info.mailbox.id] = parse_invite_link(info.link).secret
    rec.send("invite bundle (observers)", ana, bundle_out)

    refused: dict[str, list[str]] = {}   # what each member's client refused, in order

    def pump(*peers: Peer) -> None:
        for _ in range(6):
            before = len(rec.rows)
            for peer in peers:
                assert peer.session is not None
                for mb in peer.session.mailboxes(net.now):
                    box = net.boxes.get(mb.id, [])
                    for body in box[peer.cursors.get(mb.id, 0):]:
                        opened = peer.session.open(mb.id, body, net.now, peer.rng)
                        refused.setdefault(peer.name, []).extend(
                            e.reason for e in opened.events if isinstance(e, ContentRefused))
                        rec.send("answer", peer, opened.outgoing)
                    peer.cursors[mb.id] = len(box)
            if len(rec.rows) == before:
                return

    def join(joiner: Peer, others: tuple[Peer, ...]) -> None:
        assert ana.session is not None
        link = parse_invite_link(info.link)
        bundle = open_invite_bundle(link, net.boxes[link.mailbox.id][0], net.now)
        pending, request = PendingJoin.start(joiner.identity, link, bundle, joiner.name,
                                             net.now, joiner.rng)
        rec.send("join request", joiner, request)
        pump(ana)
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

    join(ben, ())
    join(cai, (ben,))
    assert ana.session and ben.session and cai.session
    rec.send("role moderator", ana, ana.session.set_role(ben.identity.ik, "moderator", net.now,
                                                         ana.rng))
    rec.send("role member", ana, ana.session.set_role(cai.identity.ik, "member", net.now,
                                                      ana.rng))
    pump(ana, ben, cai)
    post = Post("Buy cheap watches")
    sealed = cai.session.seal(post, net.now, cai.rng)
    rec.send("post", cai, sealed.outgoing, encode_content(post))
    pump(ana, ben, cai)
    removal = AdminRemove(sealed.message_id)
    rec.send("moderator removes a post", ben,
             ben.session.seal(removal, net.now, ben.rng).outgoing, encode_content(removal))
    pump(ana, ben, cai)
    second = Post("Second try, cheaper")
    sealed = cai.session.seal(second, net.now, cai.rng)
    rec.send("post", cai, sealed.outgoing, encode_content(second))
    eve = _peer("gov-eve").identity.ik
    for step, who, content in (
            ("moderator removes with a reason", ben, ModRemove(sealed.message_id, "spam")),
            ("timeout", ben, Timeout(cai.identity.ik, net.now + 3600, "cool down")),
            ("lift", ben, Lift(cai.identity.ik)),
            ("slow mode and lock", ben, ChannelRule(bytes(16), 30, True)),
            ("ban", ana, Ban(eve, "ban evasion")),
            ("unban", ana, Unban(eve)),
            ("settings", ana, GroupSettings(True, 7))):
        assert who.session is not None
        rec.send(step, who, who.session.seal(content, net.now, who.rng).outgoing,
                 encode_content(content))
    pump(ana, ben, cai)
    rec.send("hand ownership over", ana, ana.session.set_role(ben.identity.ik, "owner",
                                                              net.now, ana.rng))
    pump(ana, ben, cai)
    join(dan, (ben, cai))
    pump(ana, ben, cai, dan)
    # a negative vector: an admin's timeout of the owner, sealed by a modified client (an
    # honest one refuses to seal it); every receiver refuses it (§5.3.3: a timeout needs a
    # role that outranks its target's)
    mutiny = Timeout(ben.identity.ik, net.now + 3600, "mutiny")
    rec.send("refused: an admin times out the owner", ana, _forced_outgoing(ana, mutiny, net),
             encode_content(mutiny))
    pump(ana, ben, cai, dan)
    peers = {"ana": ana, "ben": ben, "cai": cai, "dan": dan}
    roles = {n: {m.name: m.role for m in p.session.members()} for n, p in peers.items()
             if p.session}
    return {
        "link": info.link,
        "envelopes": rec.rows,
        "identities": {n: p.identity.to_bytes().hex() for n, p in peers.items()},
        "sessions": {n: p.session.to_bytes().hex() for n, p in peers.items() if p.session},
        "roles": roles,
        "refused": {n: r for n, r in sorted(refused.items()) if r},
    }
