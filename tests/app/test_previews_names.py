"""Rows outside the conversation (the group list's last-post preview, search hits) name a
sender as the conversation does: the name they chose in this group's profile, with the
look-alike tag; and a newcomer's post a moderator did not approve is not previewed as a
deletion. Real profiles, a real relay."""
from __future__ import annotations

from collections.abc import Callable

import pytest

from app.api import Services
from tests.app.test_services import _pair
from tests.app.test_services_governance import _join
from tests.e2e.harness import RelayProcess

pytestmark = pytest.mark.timeout(240)


def _sync(*members: Services) -> None:
    for svc in members:
        svc.sync_once()


def _sender_in_conversation(svc: Services, gid: str, post_id: str) -> str:
    return svc.posts.get(gid, post_id).sender_name


def test_preview_and_search_show_the_chosen_name_with_the_lookalike_tag(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    ben.member_profiles.update(gid, name="Benedict")
    pid = ben.posts.post(gid, "the quiet lighthouse keeper").id
    _sync(ben, ana)
    for svc in (ana, ben):
        assert _sender_in_conversation(svc, gid, pid) == "Benedict"
        summary = svc.groups.get(gid)
        assert summary.last_sender == "Benedict"
        assert [s.last_sender for s in svc.groups.list() if s.id == gid] == ["Benedict"]
        hits = [h for h in svc.search.find("lighthouse") if h.post_id == pid]
        assert [h.sender_name for h in hits] == ["Benedict"]
    # Ben now goes by a name that looks like Ana's: both carry their tags everywhere
    ben.member_profiles.update(gid, name="Αna")      # Greek capital alpha
    _sync(ben, ana)
    shown = _sender_in_conversation(ana, gid, pid)
    assert shown.startswith("Αna (") and shown.endswith(")")
    assert ana.groups.get(gid).last_sender == shown
    assert [h.sender_name for h in ana.search.find("lighthouse") if h.post_id == pid] == [shown]
    mine = ana.posts.post(gid, "a lighthouse of my own").id
    _sync(ana, ben)
    for svc in (ana, ben):
        tagged = _sender_in_conversation(svc, gid, mine)
        assert tagged.startswith("Ana (")
        assert svc.groups.get(gid).last_sender == tagged
        assert [h.sender_name for h in svc.search.find("lighthouse")
                if h.post_id == mine] == [tagged]


def test_a_post_not_approved_is_not_previewed_as_deleted(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    ana.moderation.settings(gid, approve_first=True)
    _sync(ana, ben)
    cy = make_profile("Cy")
    _join(ana, cy, gid)
    _sync(ana, ben, cy)
    first = cy.posts.post(gid, "buy my course").id
    _sync(cy, ana, ben)
    ana.reports.approve(gid, first, approve=False)
    _sync(ana, ben, cy)
    summary = cy.groups.get(gid)
    assert summary.last_preview == "Not approved by a moderator"
    assert summary.last_preview != "This post was deleted"
    # an ordinary deletion still reads as one
    gone = cy.posts.post(gid, "a post Cy deletes herself").id
    cy.posts.delete(gid, gone)
    assert cy.groups.get(gid).last_preview == "This post was deleted"
