"""Happy paths of the whole protocol: genesis, invite, join, posting, removal, rotation."""
from __future__ import annotations

import pytest

from crypto import (
    ROLE_ADMIN,
    ROLE_MEMBER,
    ROLE_OWNER,
    AdminRemove,
    ContentReceived,
    Delete,
    Edit,
    EpochChanged,
    GroupSession,
    IntegrityWarning,
    MembershipChanged,
    NotAllowed,
    OwnEcho,
    Post,
    Reaction,
    RemovedFromGroup,
    UnknownMailbox,
    receive,
)
from tests.crypto.conftest import Net, Peer, found, join, make_peer


def test_genesis_makes_the_founder_owner_and_sole_admin_at_epoch_zero(net: Net) -> None:
    ana = make_peer("ana")
    found(net, ana)
    s = ana.session
    assert s is not None
    assert [(m.name, m.role) for m in s.members()] == [("Ana", ROLE_OWNER)]
    assert s.epoch == 0 and s.is_admin and s.status == "active"
    assert s.control_head[0] == 0 and len(s.group_id) == 16
    assert [mb.epoch for mb in s.mailboxes(net.now)] == [0]


def test_joiner_gets_the_group_and_both_post_both_ways(net: Net) -> None:
    ana, ben = make_peer("ana"), make_peer("ben")
    found(net, ana)
    join(net, ana, ben)
    assert ana.session is not None and ben.session is not None
    assert ben.session.group_id == ana.session.group_id
    assert ben.session.name == "Book club" and ben.session.epoch == 1 == ana.session.epoch
    assert [(m.name, m.role) for m in ben.session.members()] == [("Ana", ROLE_OWNER),
                                                                ("Ben", ROLE_MEMBER)]
    sealed = ana.session.seal(Post("hello Ben"), net.now, ana.rng)
    net.send(sealed.outgoing)
    net.pump(ana, ben)
    got = ben.of(ContentReceived)[-1]
    assert got.content == Post("hello Ben") and got.sender_ik == ana.identity.ik
    assert got.message_id == sealed.message_id and got.seq == sealed.seq
    reply = ben.session.seal(Post("hi Ana", reply_to=sealed.message_id), net.now, ben.rng)
    net.send(reply.outgoing)
    net.pump(ana, ben)
    assert ana.of(ContentReceived)[-1].content == Post("hi Ana", reply_to=sealed.message_id)
    assert ben.of(OwnEcho)[-1].message_id == reply.message_id
    assert not ana.of(IntegrityWarning) and not ben.of(IntegrityWarning)


def test_every_payload_kind_arrives_intact(trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session and ben.session
    first = ben.session.seal(Post("original"), net.now, ben.rng)
    payloads = [Reaction(first.message_id, "👍"), Reaction(first.message_id, "👍", on=False),
                Edit(first.message_id, "edited"), Delete(first.message_id)]
    net.send(first.outgoing)
    for p in payloads:
        net.send(ben.session.seal(p, net.now, ben.rng).outgoing)
    net.send(ana.session.seal(AdminRemove(first.message_id), net.now, ana.rng).outgoing)
    net.pump(ana, ben, cai)
    got = [e.content for e in cai.of(ContentReceived)]
    assert got == [Post("original")] + payloads + [AdminRemove(first.message_id)]
    with pytest.raises(NotAllowed):
        ben.session.seal(AdminRemove(first.message_id), net.now, ben.rng)


def test_removal_moves_everyone_else_to_a_new_epoch_and_mailbox(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session and ben.session and cai.session
    old_mailbox = ana.session.mailboxes(net.now)[0].id
    net.send(ana.session.remove(cai.identity.ik, net.now, ana.rng))
    net.pump(ana, ben, cai)
    assert ana.session.epoch == ben.session.epoch == 3
    new_mailbox = ana.session.mailboxes(net.now)[0]
    assert new_mailbox.current and new_mailbox.id != old_mailbox
    assert ben.of(EpochChanged)[-1].mailbox.id == new_mailbox.id
    assert cai.of(RemovedFromGroup) and cai.session.status == "removed"
    assert [m.name for m in ben.session.members()] == ["Ana", "Ben"]
    removal = [e for e in ben.of(MembershipChanged) if e.op == "remove"]
    assert removal[0].target_ik == cai.identity.ik and removal[0].target_name == "Cai"
    net.send(ben.session.seal(Post("after the removal"), net.now, ben.rng).outgoing)
    net.pump(ana, ben, cai)
    assert ana.posts()[-1] == "after the removal"
    assert "after the removal" not in cai.posts()
    with pytest.raises(UnknownMailbox):
        cai.session.open(new_mailbox.id, net.boxes[new_mailbox.id][-1], net.now, cai.rng)
    with pytest.raises(NotAllowed):
        cai.session.seal(Post("still here?"), net.now, cai.rng)


def test_rotation_keeps_members_and_changes_the_mailbox(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session and ben.session
    before = ana.session.mailboxes(net.now)[0].id
    assert not ana.session.rotation_due(net.now)
    later = net.now + 8 * 24 * 3600
    assert ana.session.rotation_due(later) and not ben.session.rotation_due(later)
    net.send(ana.session.rotate(net.now, ana.rng))
    net.pump(ana, ben, cai)
    assert {p.session.epoch for p in trio if p.session} == {3}
    assert ana.session.mailboxes(net.now)[0].id != before
    net.send(cai.session.seal(Post("new period"), net.now, cai.rng).outgoing)
    net.pump(ana, ben, cai)
    assert ana.posts()[-1] == ben.posts()[-1] == "new period"


def test_promote_and_rename_are_seen_by_everyone(trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session and ben.session and cai.session
    net.send(ana.session.promote(ben.identity.ik, net.now, ana.rng))
    net.pump(ana, ben, cai)
    assert ben.session.is_admin and cai.session.member(ben.identity.ik).role == ROLE_ADMIN
    net.send(ben.session.rename("Reading circle", net.now, ben.rng))
    net.pump(ana, ben, cai)
    assert ana.session.name == cai.session.name == "Reading circle"
    with pytest.raises(NotAllowed):
        cai.session.rename("Mine now", net.now, cai.rng)


def _reload(*peers: Peer) -> None:
    for peer in peers:
        assert peer.session is not None
        blob = peer.session.to_bytes()
        peer.session = GroupSession.from_bytes(blob, peer.identity)
        assert peer.session.to_bytes() == blob


def test_sessions_survive_a_save_and_load_between_batches(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    _reload(ana, ben, cai)
    assert ana.session and ben.session and cai.session
    net.send(ana.session.seal(Post("after reload"), net.now, ana.rng).outgoing)
    net.pump(ana, ben, cai)
    _reload(ana, ben, cai)
    net.send(ana.session.remove(ben.identity.ik, net.now, ana.rng))
    _reload(ana)
    net.pump(ana, ben, cai)
    _reload(ana, ben, cai)
    assert cai.session and ana.session
    net.send(cai.session.seal(Post("two of us"), net.now, cai.rng).outgoing)
    net.pump(ana, ben, cai)
    assert ben.posts()[-1] == cai.posts()[-1] == "after reload"
    assert ana.posts()[-1] == "two of us" and "two of us" not in ben.posts()
    assert not ana.of(IntegrityWarning) and not cai.of(IntegrityWarning)


def test_multi_use_invite_admits_two_people(net: Net) -> None:
    ana, ben, cai = make_peer("ana"), make_peer("ben"), make_peer("cai")
    found(net, ana)
    join(net, ana, ben, uses=2)
    join(net, ana, cai, others=(ben,))
    assert ana.session and cai.session
    assert len(cai.session.members()) == 3
    net.send(cai.session.seal(Post("hello both"), net.now, cai.rng).outgoing)
    net.pump(ana, ben, cai)
    assert ana.posts()[-1] == ben.posts()[-1] == "hello both"


def test_heartbeats_without_losses_raise_no_warnings(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    for peer in trio:
        assert peer.session is not None
        assert peer.session.heartbeat_due(net.now)
        net.send(peer.session.heartbeat(net.now, peer.rng))
        assert not peer.session.heartbeat_due(net.now + 10)
    net.pump(ana, ben, cai)
    assert not any(p.of(IntegrityWarning) for p in trio)


def test_posts_that_arrive_before_their_sender_key_are_held_then_delivered(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session and ben.session and cai.session
    outs = ana.session.rotate(net.now, ana.rng)
    control, ana_key = outs[0], outs[1]
    ben.session.open(control.mailbox.id, control.body, net.now, ben.rng)
    posts = [ana.session.seal(Post(f"early {i}"), net.now, ana.rng).outgoing for i in range(3)]
    new = ana_key.mailbox.id
    held = [ben.session.open(new, p.body, net.now, ben.rng) for p in reversed(posts)]
    assert all(not o.events for o in held)
    blob = ben.session.to_bytes()  # held messages survive a save and load
    ben.session = GroupSession.from_bytes(blob, ben.identity)
    released = ben.session.open(new, ana_key.body, net.now, ben.rng).events
    texts = [e.content.text for e in released if isinstance(e, ContentReceived)]
    assert sorted(texts) == ["early 0", "early 1", "early 2"]


def test_old_epochs_and_invites_expire_from_the_mailbox_list(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session is not None
    info, _ = ana.session.create_invite(1, net.now + 3600, net.now, ana.rng)
    listed = ana.session.mailboxes(net.now)
    assert [mb.current for mb in listed if mb.epoch is not None].count(True) == 1
    assert info.mailbox.id in {mb.id for mb in listed}
    assert {mb.epoch for mb in listed if mb.epoch is not None} == {0, 1, 2}
    week = 7 * 24 * 3600
    dropped = ana.session.expire(net.now + week + 1)
    assert {mb.epoch for mb in dropped} == {0, 1}
    assert [mb.epoch for mb in ana.session.mailboxes(net.now + week + 1)] == [2]
    assert info.mailbox.id not in {mb.id for mb in ana.session.mailboxes(net.now + 3601)}
    mine = {i.invite_id: i for i in ana.session.invites()}[info.invite_id]
    assert mine.status(net.now + 3601) == "expired" and mine.status(net.now) == "active"
    gone = ana.session.expire(net.now + 3600 + 31 * 24 * 3600)
    assert info.mailbox.id in {mb.id for mb in gone} and ana.session.invites() == []


def test_the_in_order_shortcut_gives_the_same_results_as_the_general_path(
        trio: tuple[Peer, Peer, Peer], net: Net, monkeypatch: pytest.MonkeyPatch) -> None:
    ana, ben, cai = trio
    assert ana.session and ben.session
    mailbox = ana.session.mailboxes(net.now)[0].id
    bodies = [ana.session.seal(Post(f"n{i}", reply_to=None), net.now + i, ana.rng).outgoing.body
              for i in range(5)]
    bodies.append(ana.session.seal(AdminRemove(bytes(32)), net.now, ana.rng).outgoing.body)
    blob = ben.session.to_bytes()
    fast = GroupSession.from_bytes(blob, ben.identity)
    fast_events = [fast.open(mailbox, b, net.now, ben.rng).events for b in bodies]
    monkeypatch.setattr(receive, "_open_next_post", lambda *args: None)
    slow = GroupSession.from_bytes(blob, ben.identity)
    slow_events = [slow.open(mailbox, b, net.now, ben.rng).events for b in bodies]
    assert fast_events == slow_events and len(fast_events) == 6
    assert fast.to_bytes() == slow.to_bytes()
