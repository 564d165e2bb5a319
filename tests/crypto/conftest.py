"""Fixtures for crypto/ tests: a deterministic random source and an in-memory mailbox
network that carries real envelopes between real GroupSessions (crypto/ does no I/O, so
the network here is just the relay's append-only lists)."""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from crypto import (
    ContentReceived,
    Event,
    GroupSession,
    Identity,
    Outgoing,
    PendingJoin,
    open_invite_bundle,
    parse_invite_link,
)

T0 = 1_750_000_000


class DetRng:
    """Deterministic bytes from a seed (BLAKE2b in counter mode): reproducible tests."""

    def __init__(self, seed: bytes | str) -> None:
        self._seed = seed.encode() if isinstance(seed, str) else seed
        self._counter = 0

    def __call__(self, n: int) -> bytes:
        out = b""
        while len(out) < n:
            self._counter += 1
            out += hashlib.blake2b(self._counter.to_bytes(8, "big"), key=self._seed[:64]).digest()
        return out[:n]


@dataclass
class Peer:
    name: str
    identity: Identity
    rng: DetRng
    session: GroupSession | None = None
    cursors: dict[bytes, int] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)

    def posts(self) -> list[str]:
        return [e.content.text for e in self.events
                if isinstance(e, ContentReceived) and hasattr(e.content, "text")]

    def of(self, kind: type) -> list:
        return [e for e in self.events if isinstance(e, kind)]


class Net:
    """Mailboxes as append-only lists; every peer reads what it subscribes to."""

    def __init__(self) -> None:
        self.boxes: dict[bytes, list[bytes]] = {}
        self.now = T0

    def send(self, items: list[Outgoing] | Outgoing) -> None:
        for item in items if isinstance(items, list) else [items]:
            self.boxes.setdefault(item.mailbox.id, []).append(item.body)

    def pump(self, *peers: Peer, rounds: int = 6) -> None:
        """Deliver until nobody has anything new to read."""
        for _ in range(rounds):
            moved = False
            for peer in peers:
                assert peer.session is not None
                for mb in peer.session.mailboxes(self.now):
                    box = self.boxes.get(mb.id, [])
                    start = peer.cursors.get(mb.id, 0)
                    for body in box[start:]:
                        moved = True
                        opened = peer.session.open(mb.id, body, self.now, peer.rng)
                        peer.events.extend(opened.events)
                        self.send(opened.outgoing)
                    peer.cursors[mb.id] = len(box)
            if not moved:
                return


def make_peer(name: str) -> Peer:
    rng = DetRng(name)
    return Peer(name.capitalize(), Identity.generate(T0, rng), rng)


def found(net: Net, peer: Peer, group: str = "Book club") -> None:
    peer.session = GroupSession.create(peer.identity, group, "https://relay.test", peer.name,
                                       net.now, peer.rng)


def join(net: Net, admin: Peer, joiner: Peer, others: tuple[Peer, ...] = (),
         uses: int = 1) -> None:
    """The whole invite flow through the network, admitting at once."""
    assert admin.session is not None
    info, bundle_out = admin.session.create_invite(uses, net.now + 3600, net.now, admin.rng)
    net.send(bundle_out)
    link = parse_invite_link(info.link)
    bundle = open_invite_bundle(link, net.boxes[link.mailbox.id][0], net.now)
    pending, request = PendingJoin.start(joiner.identity, link, bundle, joiner.name, net.now,
                                         joiner.rng)
    net.send(request)
    net.pump(admin)
    request_id = admin.session.join_requests()[-1].request_id
    net.send(admin.session.admit(request_id, net.now, admin.rng))
    for body in net.boxes[link.mailbox.id]:
        joined = pending.open(body, net.now, joiner.rng)
        if joined is not None:
            joiner.session = joined.session
            joiner.events.extend(joined.events)
            net.send(joined.outgoing)
            for mb in joiner.session.mailboxes(net.now):
                joiner.cursors.setdefault(mb.id, 0)
    assert joiner.session is not None
    net.pump(admin, joiner, *others)


@pytest.fixture
def net() -> Net:
    return Net()


@pytest.fixture
def trio(net: Net) -> tuple[Peer, Peer, Peer]:
    """Ana (founder) with Ben and Cai admitted, all keys exchanged."""
    ana, ben, cai = make_peer("ana"), make_peer("ben"), make_peer("cai")
    found(net, ana)
    join(net, ana, ben)
    join(net, ana, cai, others=(ben,))
    net.pump(ana, ben, cai)
    return ana, ben, cai


Factory = Callable[[str], Peer]
