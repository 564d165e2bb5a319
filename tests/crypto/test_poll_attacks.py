"""Attacks on polls that crypto/ itself stops: a vote from someone who is not a member
(never was, or was removed) never reaches the app as content. The rules that need the poll
(options, close, tally signature, ballot owner) are in tests/app/test_poll_rules.py."""
from __future__ import annotations

import pytest

from crypto import (
    AuthError,
    ContentReceived,
    CryptoError,
    GroupSession,
    Identity,
    PollCreate,
    PollVote,
)
from tests.crypto.conftest import T0, DetRng, Net, Peer


def _poll(net: Net, ana: Peer, *peers: Peer) -> bytes:
    assert ana.session is not None
    sealed = ana.session.seal(PollCreate("Where?", ("Ridge", "Lake")), net.now, ana.rng)
    net.send(sealed.outgoing)
    net.pump(ana, *peers)
    return sealed.message_id


def _votes(peer: Peer) -> list[ContentReceived]:
    return [e for e in peer.events
            if isinstance(e, ContentReceived) and isinstance(e.content, PollVote)]


def test_a_removed_member_s_vote_is_refused_by_every_member(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session and ben.session and cai.session
    poll = _poll(net, ana, ben, cai)
    # A modified client keeps Cai's pre-removal state and votes after the removal.
    stale = GroupSession.from_bytes(cai.session.to_bytes(), cai.identity)
    old_mailbox = next(mb.id for mb in stale.mailboxes(net.now) if mb.current)
    net.send(ana.session.remove(cai.identity.ik, net.now, ana.rng))
    net.pump(ana, ben)
    net.now += 5
    vote = stale.seal(PollVote(poll, 1), net.now, cai.rng)
    for peer in (ana, ben):
        before = len(_votes(peer))
        with pytest.raises(AuthError):
            peer.session.open(old_mailbox, vote.outgoing.body, net.now, peer.rng)
        assert len(_votes(peer)) == before, peer.name


def test_a_vote_from_an_outsider_does_not_open(trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session is not None
    poll = _poll(net, ana, ben, cai)
    eve = Identity.generate(T0, DetRng("eve"))
    outsider = GroupSession.create(eve, "Book club", "https://relay.test", "Eve", net.now,
                                   DetRng("eve-group"))
    forged = outsider.seal(PollVote(poll, 1), net.now, DetRng("eve-vote"))
    mailbox = next(mb.id for mb in ana.session.mailboxes(net.now) if mb.current)
    with pytest.raises(CryptoError):
        ana.session.open(mailbox, forged.outgoing.body, net.now, ana.rng)
