"""A profile restored from a backup holds an older copy of its own sender chains: it must
never seal at a place in its history the old machine already used (docs/backup.md,
docs/threat-model.md "Backup and restore")."""
from __future__ import annotations

from dataclasses import replace

import pytest

from crypto import ContentReceived, GroupSession, IntegrityWarning, Post
from crypto.envelope import open_outer, seal_outer
from crypto.errors import AuthError
from tests.crypto.conftest import Net, Peer


def _restored_copy(peer: Peer) -> Peer:
    """What a restore brings back: the state as saved, read by a new device from cursor 0
    of the mailboxes it knew (the cursors are in the backup too; 0 is the worst case)."""
    assert peer.session is not None
    copy = GroupSession.from_bytes(peer.session.to_bytes(), peer.identity)
    return replace(peer, name=peer.name + " (restored)", session=copy,
                   cursors=dict(peer.cursors), events=[])


def test_a_restored_copy_reads_what_the_old_machine_posted_and_continues_after_it(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    restored = _restored_copy(ana)          # the backup
    assert ana.session
    for text in ("after the backup 1", "after the backup 2"):
        net.send(ana.session.seal(Post(text), net.now, ana.rng).outgoing)
    net.pump(ana, ben, cai)                 # the old machine dies here
    net.pump(restored)
    mine = [e.content.text for e in restored.events if isinstance(e, ContentReceived)
            and e.sender_ik == ana.identity.ik]
    assert mine == ["after the backup 1", "after the backup 2"]
    assert restored.session
    net.send(restored.session.seal(Post("from the restored machine"), net.now,
                                   restored.rng).outgoing)
    ben.events.clear()
    cai.events.clear()
    net.pump(ben, cai, restored)
    assert ben.posts() == cai.posts() == ["from the restored machine"]
    assert not ben.of(IntegrityWarning) and not cai.of(IntegrityWarning)


def test_without_reading_first_the_copy_collides_and_members_refuse_it(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    """Why the restore reads everything before it finishes: a copy that seals at once reuses
    the old machine's place, and the others report a fork and drop the post."""
    ana, ben, cai = trio
    restored = _restored_copy(ana)
    assert ana.session and restored.session
    net.send(ana.session.seal(Post("old machine"), net.now, ana.rng).outgoing)
    net.pump(ana, ben, cai)
    ben.events.clear()
    net.send(restored.session.seal(Post("too early"), net.now, restored.rng).outgoing)
    net.pump(ben)
    assert "too early" not in ben.posts()
    assert any(w.kind == "fork" for w in ben.of(IntegrityWarning))


def test_a_message_in_my_name_far_ahead_is_not_followed(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    restored = _restored_copy(ana)
    assert ana.session and restored.session
    ep = ana.session.state.epochs[ana.session.epoch]
    for _ in range(300):                    # beyond MAX_SKIP without sending
        ep.next_own_key()
    net.send(ana.session.seal(Post("far ahead"), net.now, ana.rng).outgoing)
    before = restored.session.state.epochs[restored.session.epoch].my_seq
    net.pump(restored)
    assert restored.session.state.epochs[restored.session.epoch].my_seq == before
    assert any(isinstance(e, IntegrityWarning) for e in restored.events)


def test_a_forged_message_in_my_name_does_not_move_my_chain(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    """Only my identity key can make my chain step: the relay cannot push it ahead."""
    ana, ben, cai = trio
    restored = _restored_copy(ana)
    assert ana.session and restored.session
    out = ana.session.seal(Post("signed by me"), net.now, ana.rng).outgoing
    ep = restored.session.state.epochs[restored.session.epoch]
    before = (ep.my_seq, ep.my_ck)
    inner = bytearray(open_outer(ep.header_key, out.mailbox.id, out.body))
    inner[-1] ^= 0x01                       # the signature's last byte
    forged = seal_outer(ep.header_key, out.mailbox.id, bytes(inner), restored.rng)
    with pytest.raises(AuthError):      # the signature check, before any state changes
        restored.session.open(out.mailbox.id, forged, net.now, restored.rng)
    assert (ep.my_seq, ep.my_ck) == before
