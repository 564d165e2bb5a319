"""A relay that only reorders: the member sees the reorder, and no gap once every message
is there (real services, real relay behind a reordering proxy, real stores)."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.api import Services
from tests.e2e.evil_relay import EvilRelay
from tests.e2e.harness import RelayProcess

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]


@pytest.fixture
def evil(tmp_path: Path) -> Iterator[EvilRelay]:
    relay = RelayProcess(tmp_path / "relay-data", tmp_path / "relay.log").start()
    proxy = EvilRelay(relay.url).start()
    yield proxy
    proxy.stop()
    relay.stop()


def two_members(evil: EvilRelay, people: Callable[[str], Services]
                ) -> tuple[Services, Services, str]:
    ana, ben = people("Ana"), people("Ben")
    gid = ana.groups.create("Garden", evil.url).id
    link = ana.invites.create(gid).link
    ana.sync_once()
    ben.invites.join(link)
    for member in (ben, ana, ben, ana, ben):
        member.sync_once()
    evil.mark()
    for i in range(5):
        ana.posts.post(gid, f"tulip {i}")
    ana.sync_once()
    return ana, ben, gid


def codes(svc: Services, gid: str) -> list[str]:
    return [p.code for p in svc.posts.latest(gid, 100).posts if p.kind == "warning"]


def texts(svc: Services, gid: str) -> list[str]:
    return [p.text for p in svc.posts.latest(gid, 100).posts if p.kind == "post"]


def new_bodies(evil: EvilRelay, mailbox: str, bodies: list[str]) -> int | None:
    """Where the five new posts start in `bodies`, once they are all there."""
    base = evil.base.get(mailbox)
    return base if base is not None and len(bodies) >= base + 5 else None


def test_two_swapped_posts_leave_a_reorder_warning_and_no_gap(
        evil: EvilRelay, people: Callable[[str], Services]) -> None:
    _ana, ben, gid = two_members(evil, people)

    def swap(mailbox: str, bodies: list[str]) -> list[str]:
        base = new_bodies(evil, mailbox, bodies)
        if base is None:
            return bodies
        out = list(bodies)
        out[base + 1], out[base + 2] = out[base + 2], out[base + 1]
        return out

    evil.tamper = swap
    ben.sync_once()
    assert texts(ben, gid) == [f"tulip {i}" for i in range(5)]
    assert codes(ben, gid) == ["reorder"]


def test_a_post_held_back_to_a_later_read_withdraws_its_gap_warning(
        evil: EvilRelay, people: Callable[[str], Services]) -> None:
    _ana, ben, gid = two_members(evil, people)
    late = {"served": False}

    def hold_back_second(mailbox: str, bodies: list[str]) -> list[str]:
        base = new_bodies(evil, mailbox, bodies)
        if base is None:
            return bodies
        held = bodies[base + 1]
        rest = bodies[:base + 1] + bodies[base + 2:]
        # First read: the second post is missing; later reads: it comes last.
        return rest + [held] if late["served"] else rest

    evil.tamper = hold_back_second
    ben.sync_once()
    assert codes(ben, gid) == ["gap"]               # true at that moment
    late["served"] = True
    ben.sync_once()
    assert texts(ben, gid) == [f"tulip {i}" for i in range(5)]
    assert codes(ben, gid) == ["reorder"]           # the gap warning was withdrawn


def test_a_post_that_never_comes_keeps_its_gap_warning(
        evil: EvilRelay, people: Callable[[str], Services]) -> None:
    _ana, ben, gid = two_members(evil, people)

    def drop_second(mailbox: str, bodies: list[str]) -> list[str]:
        base = new_bodies(evil, mailbox, bodies)
        return bodies if base is None else bodies[:base + 1] + bodies[base + 2:]

    evil.tamper = drop_second
    ben.sync_once()
    ben.sync_once()
    assert texts(ben, gid) == ["tulip 0", "tulip 2", "tulip 3", "tulip 4"]
    assert codes(ben, gid) == ["gap"]


def test_a_german_member_reads_the_gap_warning_in_german(
        evil: EvilRelay, people: Callable[[str], Services],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from app import i18n

    _ana, ben, gid = two_members(evil, people)

    def drop_second(mailbox: str, bodies: list[str]) -> list[str]:
        base = new_bodies(evil, mailbox, bodies)
        return bodies if base is None else bodies[:base + 1] + bodies[base + 2:]

    evil.tamper = drop_second
    monkeypatch.setenv("COTERIE_LANG", "de")
    i18n.language_changed()
    try:
        ben.sync_once()
        ben.sync_once()
    finally:
        monkeypatch.delenv("COTERIE_LANG")
        i18n.language_changed()
    warnings = [p.text for p in ben.posts.latest(gid, 100).posts if p.kind == "warning"]
    assert warnings == ["1 Nachricht von Ana fehlt."], warnings
