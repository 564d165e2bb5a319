"""Roles (owner, admin, moderator, member, observer) as admin-signed control entries, the
permission table, and the verdicts every client reaches on content from each role,
whatever order the envelopes arrive in (docs/protocol.md §8.1)."""
from __future__ import annotations

import pytest

from crypto import (
    ACTIONS,
    AdminRemove,
    AuthError,
    ContentReceived,
    ContentRefused,
    GroupSession,
    IntegrityWarning,
    Member,
    MembershipChanged,
    NotAllowed,
    Post,
    Reaction,
    can,
    labels,
)
from crypto.control import OP_ROLE, ControlEntry, sign_entry
from crypto.envelope import TYPE_CONTENT
from crypto.governance import role_data
from crypto.payloads import encode_content
from crypto.primitives import AEAD_NONCE_LEN, aead_seal, h
from crypto.send import finish, header
from tests.crypto.conftest import Net, Peer, found, join, make_peer
from tests.crypto.test_attacks import _control_envelope, _current


def _forced_outgoing(peer: Peer, content: object, net: Net):  # type: ignore[no-untyped-def]
    """A content envelope sealed by `peer` without the sender-side role check (what a
    modified client could send), with its message id."""
    s = peer.session
    assert s is not None
    state = s.state
    ep = state.epochs[state.current]
    payload = encode_content(content)  # type: ignore[arg-type]
    seq, mk = ep.next_own_key()
    hb = header(state, ep, TYPE_CONTENT, seq, ep.my_last_id, net.now)
    nonce = bytes(AEAD_NONCE_LEN)
    body = nonce + aead_seal(mk, nonce, payload, hb)
    return finish(state, ep, hb, body, h(labels.HASH_PLAINTEXT, payload), peer.rng)


def _forced(peer: Peer, content: object, net: Net) -> bytes:
    return _forced_outgoing(peer, content, net).body  # type: ignore[no-any-return]


def _roles(peer: Peer) -> dict[str, str]:
    assert peer.session is not None
    return {m.name: m.role for m in peer.session.members()}


def test_the_permission_table() -> None:
    table = {role: {a for a in ACTIONS if can(role, a)}
             for role in ("owner", "admin", "moderator", "member", "observer")}
    assert table["owner"] == set(ACTIONS)
    assert table["admin"] == set(ACTIONS) - {"hand_over"}
    assert table["moderator"] == {"post", "react", "moderate", "announce"}
    assert table["member"] == {"post", "react"}
    assert table["observer"] == {"react"}
    assert not can("nobody", "react") and not can("admin", "fly")


def test_managing_channels_is_what_the_admin_rule_of_channels_and_pins_admits() -> None:
    # crypto.spaces and the library judge channel definitions, pins and library tags by
    # Member.is_admin; the table the window asks must say the same
    for role in ("owner", "admin", "moderator", "member", "observer"):
        member = Member(b"\x01" * 32, b"\x02" * 32, "X", role, 0)
        assert can(role, "manage_channels") is member.is_admin


def test_roles_are_granted_seen_by_everyone_and_survive_the_blob(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session and ben.session and cai.session
    net.send(ana.session.set_role(ben.identity.ik, "moderator", net.now, ana.rng))
    net.send(ana.session.set_role(cai.identity.ik, "observer", net.now, ana.rng))
    net.pump(ana, ben, cai)
    for peer in (ana, ben, cai):
        assert _roles(peer) == {"Ana": "owner", "Ben": "moderator", "Cai": "observer"}
        again = GroupSession.from_bytes(peer.session.to_bytes(), peer.identity)
        assert _roles(Peer(peer.name, peer.identity, peer.rng, again)) == _roles(peer)
        assert again.to_bytes() == peer.session.to_bytes()
    changes = [e for e in cai.events if isinstance(e, MembershipChanged) and e.op == "role"]
    assert [(c.target_name, c.role) for c in changes] == [("Ben", "moderator"),
                                                          ("Cai", "observer")]
    assert ben.session.my_role == "moderator" and not ben.session.is_admin


def test_an_observer_reacts_but_cannot_post_and_a_forced_post_is_refused_by_all(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session and ben.session and cai.session
    first = ana.session.seal(Post("hello"), net.now, ana.rng)
    net.send(first.outgoing)
    net.send(ana.session.set_role(cai.identity.ik, "observer", net.now, ana.rng))
    net.pump(ana, ben, cai)
    with pytest.raises(NotAllowed, match="observer"):
        cai.session.seal(Post("let me speak"), net.now, cai.rng)
    net.send(cai.session.seal(Reaction(first.message_id, "👍"), net.now, cai.rng).outgoing)
    net.now += 10
    net.send(_forced_outgoing(cai, Post("forced"), net))
    net.pump(ana, ben, cai)
    for peer in (ana, ben):
        refused = peer.of(ContentRefused)
        assert [r.reason for r in refused] == ["an observer cannot post"]
        assert refused[0].sender_ik == cai.identity.ik
        assert "forced" not in peer.posts()
        reactions = [e.content for e in peer.of(ContentReceived)
                     if isinstance(e.content, Reaction)]
        assert [r.emoji for r in reactions] == ["👍"]
    # the refused post moved the chain on: the next message is no gap
    net.send(ana.session.set_role(cai.identity.ik, "member", net.now, ana.rng))
    net.pump(ana, ben, cai)
    net.now += 10
    net.send(cai.session.seal(Post("back"), net.now, cai.rng).outgoing)
    net.pump(ana, ben, cai)
    assert "back" in ben.posts()
    assert not [w for w in ben.of(IntegrityWarning) if w.kind == "gap"]


def test_a_members_post_sent_before_their_demotion_is_kept_whenever_it_arrives(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    """Delayed delivery: Cai posts, Ana makes Cai an observer; Ben reads the role entry
    first and the post second. Both Ana and Ben keep the post: its header names a log
    position before the entry and its signed time is before the entry's."""
    ana, ben, cai = trio
    assert ana.session and ben.session and cai.session
    late = cai.session.seal(Post("written while a member"), net.now, cai.rng)
    net.now += 5
    role = ana.session.set_role(cai.identity.ik, "observer", net.now, ana.rng)
    # Ben reads the role entry before the post: deliver to the mailbox in that order
    net.send(role)
    net.send(late.outgoing)
    net.pump(ana, ben, cai)
    for peer in (ana, ben):
        assert "written while a member" in peer.posts()
        assert not peer.of(ContentRefused)
    # a post whose header names the role entry's position is refused whatever its time
    net.now += 5
    forged = _forced_outgoing(cai, Post("backdated"), net)
    net.send(forged)
    net.pump(ana, ben, cai)
    for peer in (ana, ben):
        assert "backdated" not in peer.posts()
        assert [r.reason for r in peer.of(ContentRefused)] == ["an observer cannot post"]


def test_a_moderator_removes_posts_but_cannot_change_roles_or_members(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session and ben.session and cai.session
    net.send(ana.session.set_role(ben.identity.ik, "moderator", net.now, ana.rng))
    post = cai.session.seal(Post("spam"), net.now, cai.rng)
    net.send(post.outgoing)
    net.pump(ana, ben, cai)
    net.send(ben.session.seal(AdminRemove(post.message_id), net.now, ben.rng).outgoing)
    net.pump(ana, ben, cai)
    removes = [e for e in ana.of(ContentReceived) if isinstance(e.content, AdminRemove)]
    assert removes and removes[0].sender_ik == ben.identity.ik
    with pytest.raises(NotAllowed):
        ben.session.set_role(cai.identity.ik, "admin", net.now, ben.rng)
    with pytest.raises(NotAllowed):
        ben.session.remove(cai.identity.ik, net.now, ben.rng)
    with pytest.raises(NotAllowed):
        ben.session.create_invite(1, net.now + 60, net.now, ben.rng)
    # ATTACK: a role grant signed by the moderator, sent by a modified client
    head_seq, head_hash = cai.session.control_head
    entry = sign_entry(ControlEntry(cai.session.group_id, head_seq + 1, head_hash,
                                    ben.identity.ik, net.now, OP_ROLE, cai.session.epoch,
                                    bytes(32), role_data(ben.identity.ik, "admin")),
                       ben.identity.sign)
    forged = _control_envelope(ben, entry, net)
    for peer in (ana, cai):
        assert peer.session is not None
        with pytest.raises(AuthError, match="only an admin"):
            peer.session.open(_current(peer), forged, net.now, peer.rng)
        assert _roles(peer)["Ben"] == "moderator"
    # ATTACK: a post removal from a plain member is refused by everyone
    net.send(_forced_outgoing(cai, AdminRemove(post.message_id), net))
    net.pump(ana, ben, cai)
    for peer in (ana, ben):
        assert [r.reason for r in peer.of(ContentRefused)] == [
            "only a moderator or an admin can moderate"]


def test_ownership_is_handed_over_and_the_owner_cannot_be_removed_or_demoted(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session and ben.session and cai.session
    net.send(ana.session.set_role(ben.identity.ik, "admin", net.now, ana.rng))
    net.pump(ana, ben, cai)
    with pytest.raises(NotAllowed, match="only the owner"):
        ben.session.set_role(cai.identity.ik, "owner", net.now, ben.rng)
    with pytest.raises(NotAllowed, match="owner's role"):
        ben.session.set_role(ana.identity.ik, "member", net.now, ben.rng)
    net.send(ana.session.set_role(ben.identity.ik, "owner", net.now, ana.rng))
    net.pump(ana, ben, cai)
    for peer in (ana, ben, cai):
        assert _roles(peer) == {"Ana": "admin", "Ben": "owner", "Cai": "member"}
    with pytest.raises(NotAllowed, match="owner"):
        ana.session.set_role(ben.identity.ik, "member", net.now, ana.rng)
    # a joiner learns the owner from the Welcome (the founder is no longer it)
    dan = make_peer("dan")
    join(net, ben, dan, others=(ana, cai))
    assert _roles(dan) == {"Ana": "admin", "Ben": "owner", "Cai": "member", "Dan": "member"}
    # the owner is never removed: an admin's remove entry naming them is refused
    with pytest.raises(NotAllowed, match="owner"):
        ana.session.remove(ben.identity.ik, net.now, ana.rng)


def test_an_invite_can_start_its_joiners_as_observers(net: Net) -> None:
    ana, bo = make_peer("ana"), make_peer("bo")
    found(net, ana)
    assert ana.session is not None
    from crypto import PendingJoin, open_invite_bundle, parse_invite_link
    info, bundle = ana.session.create_invite(1, net.now + 3600, net.now, ana.rng,
                                             role="observer")
    assert info.role == "observer"
    with pytest.raises(NotAllowed):
        ana.session.create_invite(1, net.now + 3600, net.now, ana.rng, role="admin")
    blob = ana.session.to_bytes()
    assert GroupSession.from_bytes(blob, ana.identity).invites()[0].role == "observer"
    net.send(bundle)
    link = parse_invite_link(info.link)
    pending, request = PendingJoin.start(bo.identity, link, open_invite_bundle(
        link, net.boxes[link.mailbox.id][0], net.now), bo.name, net.now, bo.rng)
    net.send(request)
    net.pump(ana)
    net.send(ana.session.admit(ana.session.join_requests()[0].request_id, net.now, ana.rng))
    for body in net.boxes[link.mailbox.id]:
        joined = pending.open(body, net.now, bo.rng)
        if joined is not None:
            bo.session = joined.session
    assert bo.session is not None and bo.session.my_role == "observer"
    assert _roles(ana)["Bo"] == "observer"

