"""The relay sees the same lifetime for every invite mailbox; the invite's own expiry,
uses and revocation are kept by the admin's client (docs/protocol.md §10)."""
from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.api import Services
from app.errors import InvalidInput
from crypto import GroupSession, Identity, InviteError, NotAllowed, parse_invite_link
from crypto.params import INVITE_MAILBOX_SECONDS
from relay.app import DB_NAME
from relay.testing import RelayThread
from tests.crypto.conftest import T0, DetRng
from tests.keyring_double import MemoryKeyring


def _admin() -> tuple[GroupSession, DetRng]:
    rng = DetRng("lifetime")
    ident = Identity.generate(T0, rng)
    return GroupSession.create(ident, "Club", "https://relay.test", "Ana", T0, rng), rng


def test_every_invite_mailbox_has_the_same_relay_visible_lifetime() -> None:
    session, rng = _admin()
    short, _ = session.create_invite(1, T0 + 3600, T0, rng)
    long, _ = session.create_invite(5, T0 + 20 * 86_400, T0, rng)
    assert short.mailbox.expires_at == long.mailbox.expires_at == T0 + INVITE_MAILBOX_SECONDS
    assert {mb.expires_at for mb in session.mailboxes(T0) if mb.invite_id} == {
        T0 + INVITE_MAILBOX_SECONDS}
    assert (short.expires_at, long.expires_at) == (T0 + 3600, T0 + 20 * 86_400)
    with pytest.raises(NotAllowed):
        session.create_invite(1, T0 + INVITE_MAILBOX_SECONDS + 1, T0, rng)


def test_the_admins_client_still_refuses_an_expired_invite_whose_mailbox_lives_on() -> None:
    from crypto.invite import build_join_request, open_invite_bundle

    session, rng = _admin()
    info, bundle_out = session.create_invite(1, T0 + 3600, T0, rng)
    link = parse_invite_link(info.link)
    bundle = open_invite_bundle(link, bundle_out.body, T0)
    joiner = Identity.generate(T0, DetRng("joiner"))
    _, request = build_join_request(joiner, link, bundle, "Ben", T0 + 3000, DetRng("j"))
    later = T0 + 3601
    assert later < info.mailbox.expires_at
    with pytest.raises(InviteError, match="expired"):
        session.open(info.mailbox.id, request, later, rng)
    assert session.join_requests() == []


@pytest.fixture
def relay() -> Iterator[RelayThread]:
    with RelayThread() as running:
        yield running


def _relay_invites(relay: RelayThread) -> dict[bytes, tuple[int, int | None]]:
    with sqlite3.connect(Path(relay.data_dir) / DB_NAME) as db:
        rows = db.execute("SELECT mailbox, expires_at, closed_at FROM mailboxes WHERE kind = 1")
        return {bytes(mb): (expires, closed) for mb, expires, closed in rows}


def test_through_a_real_relay_invites_of_any_lifetime_look_alike_and_expiry_is_not_closed(
        tmp_path: Path, relay: RelayThread) -> None:
    now = [int(time.time())]
    ana = Services(tmp_path / "ana", keyring_backend=MemoryKeyring(), clock=lambda: now[0])
    try:
        ana.profile.create("Ana")
        gid = ana.groups.create("Club", relay.url).id
        with pytest.raises(InvalidInput, match="at most 30 days"):
            ana.invites.create(gid, uses=1, expires_in=INVITE_MAILBOX_SECONDS + 1)
        short = ana.invites.create(gid, uses=1, expires_in=60)
        long = ana.invites.create(gid, uses=3, expires_in=20 * 86_400)
        ana.sync_once()
        seen = _relay_invites(relay)
        ids = {parse_invite_link(i.link).mailbox.id for i in (short, long)}
        assert set(seen) == ids
        assert {expires for expires, _ in seen.values()} == {now[0] + INVITE_MAILBOX_SECONDS}
        # the short invite expires (the clock stays within the relay's proof window): the
        # admin's client stops using it but does not close it, which would date it
        now[0] += 90
        ana.sync_once()
        assert {i.status for i in ana.invites.list(gid)} == {"expired", "active"}
        assert all(closed is None for _, closed in _relay_invites(relay).values())
        ana.invites.revoke(gid, long.id)
        ana.sync_once()
        closed = {mb for mb, (_, at) in _relay_invites(relay).items() if at is not None}
        assert closed == {parse_invite_link(long.link).mailbox.id}
    finally:
        ana.close()
