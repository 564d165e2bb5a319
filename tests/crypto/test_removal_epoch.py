"""A removal crossing the removed member's last posts (docs/protocol.md §11, Remove).

Whatever a member sent in an epoch's mailbox before the remove entry that ended it is
accepted by everyone, including the admin who applied the removal before reading it; what
the removed member sends there after the entry is rejected by everyone (attack 14)."""
from __future__ import annotations

import pytest

from crypto import AuthError, ContentReceived, DecodeError, GroupSession, Post
from tests.crypto.conftest import Net, Peer


def _old(peer: Peer) -> bytes:
    assert peer.session is not None
    return peer.session.mailboxes(0)[0].id


def _read(peer: Peer, net: Net, mailbox: bytes) -> list[str]:
    """Open what `peer` has not read of `mailbox`, in the relay's order; the post texts."""
    assert peer.session is not None
    texts = []
    box = net.boxes[mailbox]
    for body in box[peer.cursors.get(mailbox, 0):]:
        opened = peer.session.open(mailbox, body, net.now, peer.rng)
        net.send(opened.outgoing)
        texts += [e.content.text for e in opened.events
                  if isinstance(e, ContentReceived) and isinstance(e.content, Post)]
    peer.cursors[mailbox] = len(box)
    return texts


def test_a_post_ahead_of_the_remove_entry_is_accepted_by_the_admin_and_the_others(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session and ben.session and cai.session
    old = _old(ana)
    net.send(cai.session.seal(Post("before removal"), net.now, cai.rng).outgoing)
    cai.identity.rotate_prekey(net.now, cai.rng)
    net.send(cai.session.announce_prekey(net.now, cai.rng))
    out = ana.session.remove(cai.identity.ik, net.now, ana.rng)
    assert [o.echo for o in out] == [True] + [False] * (len(out) - 1)
    net.send(out)
    # the admin's client is restarted before it reads the old mailbox again
    blob = ana.session.to_bytes()
    assert blob[0] == 2
    ana.session = GroupSession.from_bytes(blob, ana.identity)
    assert ana.session.awaits_echo(out[0].message_id or b"")
    assert _read(ana, net, old) == ["before removal"]
    assert not ana.session.awaits_echo(out[0].message_id or b"")
    assert ana.session.to_bytes()[0] == 1
    assert _read(ben, net, old) == ["before removal"]
    # the prekey update read in between did not make Cai a member again
    assert [m.ik for m in ana.session.members()] == [m.ik for m in ben.session.members()]
    assert cai.identity.ik not in {m.ik for m in ana.session.members()}


def test_attack_14_the_removed_member_cannot_post_behind_the_remove_entry(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session and ben.session and cai.session
    old = _old(ana)
    removed_at = net.now
    net.send(ana.session.remove(cai.identity.ik, net.now, ana.rng))
    assert _read(ana, net, old) == []  # the entry is back: the cut is behind it
    # Cai's client ignores the entry and posts into the old mailbox, dated before it and
    # naming the old control head, as a post from before the removal would
    forged = cai.session.seal(Post("after removal"), removed_at - 60, cai.rng).outgoing
    net.send(forged)
    for peer in (ana, ben):
        assert peer.session is not None
        with pytest.raises(AuthError):
            _read(peer, net, old)
        assert "after removal" not in peer.posts()


def test_the_admin_accepts_the_removed_member_only_in_the_epoch_the_removal_ended(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session and ben.session and cai.session
    old = _old(ana)
    out = ana.session.remove(cai.identity.ik, net.now, ana.rng)
    new = ana.session.mailboxes(net.now)[0]
    assert new.id != old and ana.session.sender(cai.identity.ik, new.epoch) is None
    assert ana.session.sender(cai.identity.ik, new.epoch - 1) is not None
    net.send(out)
    _read(ana, net, old)
    assert ana.session.sender(cai.identity.ik, new.epoch - 1) is None


def test_a_blob_naming_no_leaving_member_at_version_2_is_refused(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana = trio[0]
    assert ana.session
    blob = ana.session.to_bytes()
    assert blob[0] == 1
    with pytest.raises(DecodeError):
        GroupSession.from_bytes(b"\x02" + blob[1:] + b"\x00\x00", ana.identity)
