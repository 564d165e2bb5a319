"""Moderation payloads (kinds 32-37): their encoding, and every client refusing one from a
member whose role does not allow it (docs/protocol.md §5.3.3)."""
from __future__ import annotations

import pytest

from crypto import (
    Ban,
    ChannelRule,
    ContentReceived,
    ContentRefused,
    DecodeError,
    GroupSettings,
    Lift,
    ModRemove,
    NotAllowed,
    Post,
    Timeout,
    Unban,
    decode_content,
    encode_content,
)
from crypto.payloads import GENERAL
from tests.crypto.conftest import Net, Peer
from tests.crypto.test_roles import _forced_outgoing

IK = bytes(range(32))


@pytest.mark.parametrize("content", [
    ModRemove(bytes(32), "spam"), ModRemove(b"\x01" * 32), Timeout(IK, 1_750_003_600, "cool"),
    Lift(IK), Ban(IK, "ban evasion"), Unban(IK), ChannelRule(GENERAL, 30, True),
    ChannelRule(b"\x07" * 16, 0, False), GroupSettings(True, 7), GroupSettings()])
def test_each_moderation_payload_round_trips(content: object) -> None:
    raw = encode_content(content)  # type: ignore[arg-type]
    assert 32 <= raw[0] <= 38 and raw[1] == 1
    assert decode_content(raw) == content


@pytest.mark.parametrize("raw", [
    bytes([32, 1]) + bytes(32) + (201).to_bytes(2, "big") + b"x" * 201,  # reason too long
    bytes([33, 1]) + IK + bytes(8) + bytes(2),                           # a timeout to 0
    bytes([37, 1]) + bytes(16) + (8 * 86400).to_bytes(4, "big") + b"\x00",  # slow mode > 7 d
    bytes([37, 1]) + bytes(16) + bytes(4) + b"\x02",                     # a flag of 2
    bytes([34, 1]) + IK + b"\x00",                                       # a trailing byte
    bytes([38, 1]) + b"\x00" + (366).to_bytes(2, "big"),                  # over a year
])
def test_malformed_moderation_payloads_are_decode_errors(raw: bytes) -> None:
    with pytest.raises(DecodeError):
        decode_content(raw)


def test_moderation_from_someone_without_the_role_is_refused_by_every_client(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session and ben.session and cai.session
    net.send(ana.session.set_role(ben.identity.ik, "moderator", net.now, ana.rng))
    net.pump(ana, ben, cai)
    post = ana.session.seal(Post("hello"), net.now, ana.rng)
    net.send(post.outgoing)
    # a moderator times out and removes; a moderator cannot ban
    net.send(ben.session.seal(Timeout(cai.identity.ik, net.now + 60, "cool"), net.now,
                              ben.rng).outgoing)
    with pytest.raises(NotAllowed, match="ban"):
        ben.session.seal(Ban(cai.identity.ik), net.now, ben.rng)
    with pytest.raises(NotAllowed, match="moderat"):
        cai.session.seal(Timeout(ben.identity.ik, net.now + 60), net.now, cai.rng)
    # ATTACK: a member's timeout and a moderator's ban, sent by modified clients
    net.send(_forced_outgoing(cai, Timeout(ben.identity.ik, net.now + 60, "revenge"), net))
    net.send(_forced_outgoing(ben, Ban(cai.identity.ik, "mine now"), net))
    net.send(_forced_outgoing(cai, ModRemove(post.message_id, "gone"), net))
    net.pump(ana, ben, cai)
    for peer, expect in ((ana, 3), (ben, 2), (cai, 1)):
        refused = sorted(r.reason for r in peer.of(ContentRefused))
        assert len(refused) == expect, (peer.name, refused)
        got = [e.content for e in peer.of(ContentReceived) if isinstance(e.content, Timeout)]
        if peer is not ben:
            assert [t.reason for t in got] == ["cool"]
    assert sorted(r.reason for r in ana.of(ContentRefused)) == [
        "only a moderator or an admin can moderate",
        "only a moderator or an admin can moderate",
        "only an admin can ban, unban or change the group's settings"]


def test_a_timeout_reaches_only_members_ranked_below_the_one_who_sets_it(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio   # ana owns the group
    assert ana.session and ben.session and cai.session
    net.send(ana.session.set_role(ben.identity.ik, "moderator", net.now, ana.rng))
    net.send(ana.session.set_role(cai.identity.ik, "moderator", net.now, ana.rng))
    net.pump(ana, ben, cai)
    rank = "a timeout can only reach a member whose role ranks below yours"
    for target in (ana, cai):   # the owner; a fellow moderator
        with pytest.raises(NotAllowed, match=rank):
            ben.session.seal(Timeout(target.identity.ik, net.now + 60), net.now, ben.rng)
    # ATTACK: a moderator's modified client times the owner out anyway
    net.send(_forced_outgoing(ben, Timeout(ana.identity.ik, net.now + 60, "mutiny"), net))
    # the owner may time a moderator out
    net.send(ana.session.seal(Timeout(cai.identity.ik, net.now + 60, "cool"), net.now,
                              ana.rng).outgoing)
    net.pump(ana, ben, cai)
    for peer in (ana, ben, cai):
        assert [r.reason for r in peer.of(ContentRefused)] == ([rank] if peer is not ben
                                                               else []), peer.name
        got = [e.content for e in peer.of(ContentReceived) if isinstance(e.content, Timeout)]
        assert [t.reason for t in got] == (["cool"] if peer is not ana else []), peer.name
