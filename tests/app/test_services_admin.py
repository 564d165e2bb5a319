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
        ben.groups.rename(gid, "Mine now")
    ana.groups.rename(gid, "Readers")
    ana.groups.promote(gid, "Ben")
    with pytest.raises(InvalidInput):
        ana.groups.promote(gid, "Ben")
    ana.sync_once()
    ben.sync_once()
    assert ben.groups.get(gid).name == "Readers"
    assert ben.groups.get(gid).my_role == "admin"
    assert {m.name: m.role for m in ben.groups.members(gid)} == {"Ana": "owner", "Ben": "admin"}
    ben.groups.rename("Readers", "Book readers")   # an admin now
    ben.sync_once()
    ana.sync_once()
    assert ana.groups.get(gid).name == "Book readers"


def test_muting_is_local_and_reported(make_profile: Callable[[str], Services],
                                      relay: RelayProcess) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    events: list[ChangeEvent] = []
    ben.add_listener(events.append)
    ben.groups.set_muted(gid, True)
    assert ben.groups.get(gid).muted and not ana.groups.get(gid).muted
    assert ChangeEvent(ChangeKind.GROUPS, gid) in events


def test_a_declined_request_is_not_admitted_and_leaving_forgets_the_group(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    cy = make_profile("Cy")
    invite = ana.invites.create(gid, uses=2)
    ana.sync_once()
    cy.invites.join(invite.link)
    cy.sync_once()
    ana.sync_once()
    [request] = ana.invites.requests(gid)
    assert request.name == "Cy" and request.fingerprint == cy.profile.me().fingerprint
    ana.invites.decline(gid, request.id)
    ana.sync_once()
    cy.sync_once()
    assert ana.invites.requests(gid) == [] and cy.groups.list() == []
    assert [j.status for j in cy.invites.joins()] == ["waiting"]
    assert [m.name for m in ana.groups.members(gid)] == ["Ana", "Ben"]
    ben.groups.leave(gid)
    assert ben.groups.list() == []


def test_a_removed_member_is_told_and_stops_reading(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    events: list[ChangeEvent] = []
    ben.add_listener(events.append)
    ana.groups.remove_member(gid, "Ben")
    ana.posts.post(gid, "after Ben")
    ana.sync_once()
    ben.sync_once()
    assert ChangeEvent(ChangeKind.REMOVED, gid) in events
    assert ben.groups.get(gid).status == "removed"
    assert "after Ben" not in [p.text for p in ben.posts.latest(gid).posts]
    assert "removed" in [p.code for p in ben.posts.latest(gid).posts if p.kind == "warning"]
    with pytest.raises(NotAllowed):
        ben.posts.post(gid, "hello?")
    assert not any(r.key == bytes.fromhex(gid) for r in ben._access.syncer().inbound.routes.values())
    assert [m.name for m in ana.groups.members(gid)] == ["Ana"]
