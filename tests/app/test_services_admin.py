"""Admin flows through the facade: rename, promote, mute, decline, leave, remove."""
from __future__ import annotations

from collections.abc import Callable

import pytest

from app.api import Services
from app.errors import InvalidInput, NotAllowed
from app.views import ChangeEvent, ChangeKind
from tests.app.test_services import _pair
from tests.e2e.harness import RelayProcess

pytestmark = pytest.mark.timeout(90)


def test_rename_and_promote_reach_every_member(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    with pytest.raises(NotAllowed):
        ben.rename_group(gid, "Mine now")
    ana.rename_group(gid, "Readers")
    ana.promote(gid, "Ben")
    with pytest.raises(InvalidInput):
        ana.promote(gid, "Ben")
    ana.sync_once()
    ben.sync_once()
    assert ben.group(gid).name == "Readers"
    assert ben.group(gid).my_role == "admin"
    assert {m.name: m.role for m in ben.members(gid)} == {"Ana": "admin", "Ben": "admin"}
    ben.rename_group("Readers", "Book readers")   # an admin now
    ben.sync_once()
    ana.sync_once()
    assert ana.group(gid).name == "Book readers"


def test_muting_is_local_and_reported(make_profile: Callable[[str], Services],
                                      relay: RelayProcess) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    events: list[ChangeEvent] = []
    ben.add_listener(events.append)
    ben.set_muted(gid, True)
    assert ben.group(gid).muted and not ana.group(gid).muted
    assert ChangeEvent(ChangeKind.GROUPS, gid) in events


def test_a_declined_request_is_not_admitted_and_leaving_forgets_the_group(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    cy = make_profile("Cy")
    invite = ana.create_invite(gid, uses=2)
    ana.sync_once()
    cy.join(invite.link)
    cy.sync_once()
    ana.sync_once()
    [request] = ana.requests(gid)
    assert request.name == "Cy" and request.fingerprint == cy.me().fingerprint
    ana.decline_request(gid, request.id)
    ana.sync_once()
    cy.sync_once()
    assert ana.requests(gid) == [] and cy.groups() == []
    assert [j.status for j in cy.joins()] == ["waiting"]
    assert [m.name for m in ana.members(gid)] == ["Ana", "Ben"]
    ben.leave_group(gid)
    assert ben.groups() == []


def test_a_removed_member_is_told_and_stops_reading(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    events: list[ChangeEvent] = []
    ben.add_listener(events.append)
    ana.remove_member(gid, "Ben")
    ana.post(gid, "after Ben")
    ana.sync_once()
    ben.sync_once()
    assert ChangeEvent(ChangeKind.REMOVED, gid) in events
    assert ben.group(gid).status == "removed"
    assert "after Ben" not in [p.text for p in ben.latest(gid).posts]
    assert "removed" in [p.code for p in ben.latest(gid).posts if p.kind == "warning"]
    with pytest.raises(NotAllowed):
        ben.post(gid, "hello?")
    assert not any(r.key == bytes.fromhex(gid) for r in ben._syncer().inbound.routes.values())
    assert [m.name for m in ana.members(gid)] == ["Ana"]
