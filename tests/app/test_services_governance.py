"""Roles through the facade with real profiles and a real relay: granting, the notes
every member sees, an observer invite, an observer refused, a moderator's removal."""
from __future__ import annotations

from collections.abc import Callable

import pytest

from app.api import Services
from app.errors import InvalidInput, NotAllowed
from tests.app.test_services import _pair
from tests.e2e.harness import RelayProcess

pytestmark = pytest.mark.timeout(120)


def _join(admin: Services, joiner: Services, gid: str, role: str = "member") -> None:
    invite = admin.invites.create(gid, role=role)
    assert invite.role == role
    admin.sync_once()
    joiner.invites.join(invite.link)
    joiner.sync_once()
    assert admin.sync_once().admitted == 1
    assert joiner.sync_once().joined == (gid,)


def _roles(svc: Services, gid: str) -> dict[str, str]:
    return {m.name: m.role for m in svc.groups.members(gid)}


def test_roles_are_granted_shown_and_enforced_on_every_member(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    cy = make_profile("Cy")
    _join(ana, cy, gid, role="observer")
    for svc in (ana, ben, cy):
        svc.sync_once()
    assert _roles(cy, gid) == {"Ana": "owner", "Ben": "member", "Cy": "observer"}
    assert cy.governance.my_role(gid) == "observer"

    # an observer reads and reacts but cannot post
    first = ana.posts.post(gid, "Welcome").id
    ana.sync_once()
    cy.sync_once()
    with pytest.raises(NotAllowed, match="observer"):
        cy.posts.post(gid, "can I talk?")
    cy.posts.react(gid, first, "👋")

    # a member cannot change roles; an admin can; every member sees the same roles
    with pytest.raises(NotAllowed):
        ben.governance.set_role(gid, "Cy", "member")
    ana.governance.set_role(gid, "Ben", "moderator")
    with pytest.raises(InvalidInput, match="already"):
        ana.governance.set_role(gid, "Ben", "moderator")
    with pytest.raises(InvalidInput, match="role"):
        ana.governance.set_role(gid, "Ben", "king")
    for svc in (ana, ben, cy, ana):
        svc.sync_once()
    for svc in (ana, ben, cy):
        assert _roles(svc, gid) == {"Ana": "owner", "Ben": "moderator", "Cy": "observer"}
        events = [p.text.replace("\u2068", "").replace("\u2069", "")
                  for p in svc.posts.latest(gid).posts if p.kind == "event"]
        assert any(t.endswith(("made Ben a moderator", "made you a moderator"))
                   for t in events), events
    # the reaction arrived; a moderator removes another member's post, a member cannot
    with pytest.raises(NotAllowed):
        cy.posts.delete(gid, first)
    ben.posts.delete(gid, first)
    for svc in (ben, ana, cy):
        svc.sync_once()
    for svc in (ana, cy):
        post = next(p for p in svc.posts.latest(gid).posts if p.id == first)
        assert post.deleted and post.deleted_by == "Ben"

    # a moderator cannot change roles or the member list
    with pytest.raises(NotAllowed):
        ben.governance.set_role(gid, "Cy", "member")
    with pytest.raises(NotAllowed):
        ben.groups.remove_member(gid, "Cy")

    # ownership handed over: Ana stays an admin, the note says so everywhere
    ana.governance.set_role(gid, "Ben", "owner")
    for svc in (ana, ben, cy):
        svc.sync_once()
    for svc in (ana, ben, cy):
        assert _roles(svc, gid) == {"Ana": "admin", "Ben": "owner", "Cy": "observer"}
    texts = [p.text for p in cy.posts.latest(gid).posts if p.kind == "event"]
    assert any("handed ownership to" in t for t in texts), texts
    with pytest.raises(NotAllowed, match="owner"):
        ana.groups.remove_member(gid, "Ben")
