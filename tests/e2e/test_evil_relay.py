"""A relay that replays, reorders, drops, injects and forks: each is caught and shown.

The relay sits behind a proxy (tests/e2e/evil_relay.py) that rewrites what members read.
Members run in this process (their protocol state is real); what they saw is checked the
way a script would, through `coterie read --json` (app.cli.main).
"""
from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest

from app import cli
from app.api import Services
from crypto.relay_wire import b64e
from tests.e2e.evil_relay import EvilRelay
from tests.e2e.harness import RelayProcess
from tests.keyring_double import MemoryKeyring

pytestmark = [pytest.mark.slow, pytest.mark.timeout(90)]


@pytest.fixture
def evil(relay: RelayProcess) -> Iterator[EvilRelay]:
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())  # the CLI in this process finds the same keys
    proxy = EvilRelay(relay.url).start()
    yield proxy
    proxy.stop()
    keyring.set_keyring(previous)


@pytest.fixture
def people(tmp_path: Path) -> Iterator[Callable[[str], Services]]:
    made: list[Services] = []

    def make(name: str) -> Services:
        svc = Services(tmp_path / name)
        svc.profile.create(name)
        made.append(svc)
        return svc

    yield make
    for svc in made:
        svc.close()


def _admit(admin: Services, joiner: Services, gid: str) -> None:
    link = admin.invites.create(gid).link
    admin.sync_once()
    joiner.invites.join(link)
    joiner.sync_once()
    admin.sync_once()
    joiner.sync_once()
    admin.sync_once()


def _warnings(svc: Services, gid: str, capsys: pytest.CaptureFixture[str]) -> list[dict]:
    profile = svc.profile_dir
    svc.close()
    capsys.readouterr()
    assert cli.main(["--profile", str(profile), "read", gid, "--json", "--limit", "100"]) == 0
    return json.loads(capsys.readouterr().out)["warnings"]


def _posts(svc: Services, gid: str) -> list[str]:
    return [p.text for p in svc.posts.latest(gid, 100).posts if p.kind == "post"]


def _two(evil: EvilRelay, people: Callable[[str], Services]) -> tuple[Services, Services, str]:
    ana, ben = people("Ana"), people("Ben")
    gid = ana.groups.create("Garden", evil.url).id
    _admit(ana, ben, gid)
    ben.sync_once()
    evil.mark()
    for i in range(5):
        ana.posts.post(gid, f"tulip {i}")
    ana.sync_once()
    return ana, ben, gid


def _grown(evil: EvilRelay, mailbox: str, bodies: list[str], need: int) -> int | None:
    base = evil.base.get(mailbox)
    return base if base is not None and len(bodies) >= base + need else None


def test_a_dropped_post_shows_as_a_gap(evil: EvilRelay, people: Callable[[str], Services],
                                       capsys: pytest.CaptureFixture[str]) -> None:
    ana, ben, gid = _two(evil, people)

    def drop_third(mailbox: str, bodies: list[str]) -> list[str]:
        base = _grown(evil, mailbox, bodies, 5)
        return bodies if base is None else bodies[:base + 2] + bodies[base + 3:]

    evil.tamper = drop_third
    ben.sync_once()
    assert _posts(ben, gid) == ["tulip 0", "tulip 1", "tulip 3", "tulip 4"]
    assert "gap" in [w["code"] for w in _warnings(ben, gid, capsys)]


def test_reordered_posts_are_shown_in_order_and_reported(
        evil: EvilRelay, people: Callable[[str], Services], capsys: pytest.CaptureFixture[str]) -> None:
    ana, ben, gid = _two(evil, people)

    def swap(mailbox: str, bodies: list[str]) -> list[str]:
        base = _grown(evil, mailbox, bodies, 5)
        if base is None:
            return bodies
        out = list(bodies)
        out[base + 1], out[base + 3] = out[base + 3], out[base + 1]
        return out

    evil.tamper = swap
    ben.sync_once()
    assert _posts(ben, gid) == [f"tulip {i}" for i in range(5)]
    assert "reorder" in [w["code"] for w in _warnings(ben, gid, capsys)]


def test_a_replayed_post_is_rejected_and_reported(
        evil: EvilRelay, people: Callable[[str], Services], capsys: pytest.CaptureFixture[str]) -> None:
    ana, ben, gid = _two(evil, people)
    ben.sync_once()
    evil.mark()

    def replay(mailbox: str, bodies: list[str]) -> list[str]:
        base = evil.base.get(mailbox)
        return bodies if base is None or base < 3 else bodies + [bodies[base - 3]]

    evil.tamper = replay
    ben.sync_once()
    assert _posts(ben, gid) == [f"tulip {i}" for i in range(5)]
    assert "replay" in [w["code"] for w in _warnings(ben, gid, capsys)]


def test_an_injected_message_is_dropped_and_reported(
        evil: EvilRelay, people: Callable[[str], Services], capsys: pytest.CaptureFixture[str]) -> None:
    ana, ben, gid = _two(evil, people)
    garbage = b64e(os.urandom(1024))

    def inject(mailbox: str, bodies: list[str]) -> list[str]:
        base = _grown(evil, mailbox, bodies, 5)
        return bodies if base is None else bodies[:base + 2] + [garbage] + bodies[base + 2:]

    evil.tamper = inject
    ben.sync_once()
    assert _posts(ben, gid) == [f"tulip {i}" for i in range(5)]
    assert "rejected" in [w["code"] for w in _warnings(ben, gid, capsys)]


def test_a_forked_member_list_is_reported(evil: EvilRelay, people: Callable[[str], Services],
                                          capsys: pytest.CaptureFixture[str]) -> None:
    ana, ben, cy = people("Ana"), people("Ben"), people("Cy")
    gid = ana.groups.create("Garden", evil.url).id
    _admit(ana, ben, gid)
    _admit(ana, cy, gid)
    ana.groups.promote(gid, "Ben")
    ana.sync_once()
    for member in (ben, cy, ben):
        member.sync_once()
    assert ben.groups.get(gid).my_role == "admin"
    evil.mark()
    # Two admins change the group at the same point of its history...
    ana.groups.rename(gid, "Roses")
    ana.sync_once()
    ben.groups.rename(gid, "Lilies")
    ben.sync_once()
    ben.posts.post(gid, "which name?")
    ben.sync_once()

    # ...and the relay hides Ben's change from Cy, showing Cy only Ana's history.
    def hide_bens_change(mailbox: str, bodies: list[str]) -> list[str]:
        base = _grown(evil, mailbox, bodies, 3)
        return bodies if base is None else bodies[:base + 1] + bodies[base + 2:]

    evil.tamper = hide_bens_change
    cy.sync_once()
    assert "fork" in [w["code"] for w in _warnings(cy, gid, capsys)]
    assert "fork" in [w["code"] for w in _warnings(ben, gid, capsys)]


def test_a_post_whose_acknowledgement_was_lost_arrives_exactly_once(
        evil: EvilRelay, people: Callable[[str], Services]) -> None:
    ana, ben = people("Ana"), people("Ben")
    gid = ana.groups.create("Garden", evil.url).id
    _admit(ana, ben, gid)
    ben.sync_once()
    evil.mark()
    evil.lose_acks = 1
    pid = ana.posts.post(gid, "sent twice, stored once").id
    for _ in range(3):
        ana.sync_once(10)
    assert evil.lose_acks == 0 and ana.connection().waiting == 0
    ben.sync_once()
    assert [p.id for p in ben.posts.latest(gid).posts if p.kind == "post"] == [pid]
    grown = {mb: n - evil.base.get(mb, 0) for mb, n in evil.lengths.items()}
    assert sorted(n for n in grown.values() if n) == [1]   # one body on the relay, not two
