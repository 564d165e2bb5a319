"""Promise P5: forward secrecy within a sender chain. Once a post is opened its message key
is gone: a thief who copies a member's saved state later cannot open posts that member
already read, whether they arrived in order or through a skipped key."""
from __future__ import annotations

from crypto import ContentReceived, CryptoError, GroupSession, Post
from tests.crypto.conftest import Net, Peer


def _mailbox(peer: Peer) -> bytes:
    assert peer.session is not None
    return next(mb.id for mb in peer.session.mailboxes(0) if mb.current)


def _contents_a_thief_gets(victim: Peer, mailbox: bytes, bodies: list[bytes], net: Net) -> list:
    """Open `bodies` with a fresh session restored from the victim's saved state."""
    assert victim.session is not None
    stolen = GroupSession.from_bytes(victim.session.to_bytes(), victim.identity)
    got = []
    for body in bodies:
        try:
            opened = stolen.open(mailbox, body, net.now, victim.rng)
        except CryptoError:
            continue
        got += [e for e in opened.events if isinstance(e, ContentReceived)]
    return got


def test_posts_already_read_cannot_be_opened_from_the_saved_state(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, _ = trio
    assert ana.session and ben.session
    mailbox = _mailbox(ben)
    bodies = [ana.session.seal(Post(f"secret {i}"), net.now, ana.rng).outgoing.body
              for i in range(3)]
    read = [e for body in bodies
            for e in ben.session.open(mailbox, body, net.now, ben.rng).events
            if isinstance(e, ContentReceived)]
    assert [e.content.text for e in read] == ["secret 0", "secret 1", "secret 2"]
    assert _contents_a_thief_gets(ben, mailbox, bodies, net) == []


def test_a_skipped_key_is_deleted_once_its_post_arrives(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, _ = trio
    assert ana.session and ben.session
    mailbox = _mailbox(ben)
    first, second = (ana.session.seal(Post(t), net.now, ana.rng).outgoing.body
                     for t in ("late", "early"))
    ben.session.open(mailbox, second, net.now, ben.rng)   # keeps a skipped key for `first`
    # while the key is held, the saved state can still open the late post ...
    assert [e.content.text for e in _contents_a_thief_gets(ben, mailbox, [first], net)] == \
        ["late"]
    late = [e for e in ben.session.open(mailbox, first, net.now, ben.rng).events
            if isinstance(e, ContentReceived)]
    assert [e.content.text for e in late] == ["late"]
    # ... and once it has been used, nothing can
    assert _contents_a_thief_gets(ben, mailbox, [first, second], net) == []
