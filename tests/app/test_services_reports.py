"""Reports, rules and first-post approval through the facade: real profiles, a real relay.

A report is readable by the moderators and admins only (a member's client holds nothing of
it), carries the reported post's signature (its author verified), is resolved with a
moderation action and seen as handled by its reporter; rules set by an admin travel in
the invite and must be accepted to join, a rules change by a non-admin is refused by every
client; a newcomer's first post waits for a moderator's approval, and an approval from a
non-moderator is refused."""
from __future__ import annotations

from collections.abc import Callable

import pytest

from app.api import Services
from app.errors import NotAllowed
from app.invites import RulesToAccept
from crypto import reports as wire
from tests.app.test_channels import _forge
from tests.app.test_services import _pair
from tests.app.test_services_governance import _join
from tests.e2e.harness import RelayProcess

pytestmark = pytest.mark.timeout(240)


def _sync(*members: Services) -> None:
    for svc in members:
        svc.sync_once()


def _texts(svc: Services, gid: str) -> list[str]:
    return [p.text for p in svc.posts.latest(gid, 200).posts
            if p.kind == "post" and not p.deleted]


def _warnings(svc: Services, gid: str) -> list[str]:
    return [p.text for p in svc.posts.latest(gid, 200).posts if p.kind == "warning"]


def test_a_report_reaches_only_moderators_and_is_resolved(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    cy = make_profile("Cy")
    _join(ana, cy, gid)
    ana.governance.set_role(gid, "Ben", "moderator")
    _sync(ana, ben, cy)
    spam = cy.posts.post(gid, "Buy cheap watches now").id
    _sync(cy, ana, ben)

    rid = ana.reports.report(gid, spam, "spam", "report-text-quux")
    _sync(ana, ben, cy)
    # the moderator reads it, with the author proven by the post's signature
    [seen] = ben.reports.reports(gid)
    assert seen.id == rid and seen.status == "new" and seen.text == "report-text-quux"
    assert seen.verified and seen.post_text == "Buy cheap watches now"
    assert seen.post_author_fingerprint == cy.profile.me().fingerprint
    assert "Ana" in (seen.reporter or "")
    assert any(c.reported for c in seen.context)
    # the reported member (a plain member) holds nothing of it
    assert cy.reports.reports(gid) == []
    rt = cy._access.runtime()
    assert rt.store.reports.reports(bytes.fromhex(gid)) == []

    ben.reports.resolve(gid, rid, "remove")
    _sync(ben, ana, cy)
    assert "Buy cheap watches now" not in _texts(ana, gid)
    [mine] = ana.reports.reports(gid)
    assert mine.status == "handled" and mine.mine
    # the owner is an admin and reads it fully; a reporter who is not a moderator would not
    # learn who handled it (checked in the e2e test with a member reporter)
    assert [v.status for v in ben.reports.reports(gid)] == ["handled"]


def test_a_member_reporter_sees_handled_but_not_by_whom(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    cy = make_profile("Cy")
    _join(ana, cy, gid)
    _sync(ana, ben, cy)
    rude = cy.posts.post(gid, "a rude remark").id
    _sync(cy, ben)
    rid = ben.reports.report(gid, rude, "harassment")
    _sync(ben, ana, cy)
    assert cy.reports.reports(gid) == []
    ana.reports.resolve(gid, rid, "timeout", 3600)
    _sync(ana, ben, cy)
    [view] = ben.reports.reports(gid)
    assert view.status == "handled" and view.handled_by is None and view.outcome is None
    with pytest.raises(NotAllowed, match="timed out"):
        cy.posts.post(gid, "still here")


def test_a_report_box_for_a_member_is_never_opened_by_them(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    """A modified reporter boxes the report to a plain member: their client does not open
    it (reports are for moderators and admins)."""
    ana, ben, gid = _pair(make_profile, relay)
    cy = make_profile("Cy")
    _join(ana, cy, gid)
    _sync(ana, ben, cy)
    post = ana.posts.post(gid, "hello").id
    _sync(ana, ben)
    rt = ben._access.runtime()
    g = bytes.fromhex(gid)
    evidence = rt.store.reports.evidence(g, bytes.fromhex(post))
    cy_member = next(m for m in rt.session(g).members() if m.name == "Cy")
    report = wire.make_report(rt.identity, g, [(cy_member.ik, cy_member.spk)], "other",
                              "secret-for-cy", evidence, rt.rng)
    _forge(ben, gid, report)
    _sync(ben, cy)
    assert cy.reports.reports(gid) == []
    assert cy._access.runtime().store.reports.reports(g) == []


def test_rules_are_accepted_at_join_and_a_non_admin_change_is_refused(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    ana.reports.set_rules(gid, "# Be kind\n\nNo spam.")
    _sync(ana, ben)
    assert ben.reports.rules(gid).text == "# Be kind\n\nNo spam."
    assert ben.reports.rules(gid).unseen_change
    ben.reports.mark_rules_seen(gid)
    assert not ben.reports.rules(gid).unseen_change
    with pytest.raises(NotAllowed, match="admin"):
        ben.reports.set_rules(gid, "anything goes")
    # a modified client sends it anyway: every client refuses it
    _forge(ben, gid, wire.Rules("anything goes"))
    _sync(ben, ana)
    assert ana.reports.rules(gid).text == "# Be kind\n\nNo spam."
    assert any("rules" in w for w in _warnings(ana, gid))

    cy = make_profile("Cy")
    link = ana.invites.create(gid).link
    ana.sync_once()
    assert cy.invites.preview(link).rules == "# Be kind\n\nNo spam."
    with pytest.raises(RulesToAccept):
        cy.invites.join(link)
    cy.invites.join(link, accept_rules=True)
    cy.sync_once()
    assert ana.sync_once().admitted == 1
    assert cy.sync_once().joined == (gid,)
    view = cy.reports.rules(gid)
    assert view.text == "# Be kind\n\nNo spam." and not view.unseen_change


def test_a_join_request_without_accepting_the_rules_is_refused(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    link = ana.invites.create(gid).link      # made before the group had rules
    ana.reports.set_rules(gid, "Be kind.")
    ana.sync_once()
    cy = make_profile("Cy")
    cy.invites.join(link)                    # the bundle carries no rules: nothing accepted
    cy.sync_once()
    report = ana.sync_once()
    assert report.admitted == 0 and any("rules" in w for w in report.warnings)


def test_a_newcomers_first_post_waits_for_a_moderator(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    ana.moderation.settings(gid, approve_first=True)
    _sync(ana, ben)
    cy = make_profile("Cy")
    _join(ana, cy, gid)
    _sync(ana, ben, cy)
    first = cy.posts.post(gid, "hello, I am new").id
    _sync(cy, ana, ben)
    assert "hello, I am new" not in _texts(ben, gid)
    assert "hello, I am new" not in _texts(ana, gid)
    assert [h.id for h in ana.reports.held(gid)] == [first]
    assert ben.reports.held(gid) == []           # a plain member has no queue
    with pytest.raises(NotAllowed, match="moderator"):
        ben.reports.approve(gid, first)
    # a modified client approves anyway: refused by every client
    _forge(ben, gid, wire.Approval(bytes.fromhex(first), True))
    _sync(ben, ana)
    assert "hello, I am new" not in _texts(ana, gid)
    ana.reports.approve(gid, first)
    _sync(ana, ben, cy)
    assert "hello, I am new" in _texts(ben, gid) and "hello, I am new" in _texts(ana, gid)
    cy.posts.post(gid, "second post, no wait")
    _sync(cy, ben)
    assert "second post, no wait" in _texts(ben, gid)


def test_a_rejected_first_post_is_never_shown_and_leaves_its_authors_timeline(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    ana.moderation.settings(gid, approve_first=True)
    _sync(ana, ben)
    cy = make_profile("Cy")
    _join(ana, cy, gid)
    _sync(ana, ben, cy)
    first = cy.posts.post(gid, "buy my course").id
    assert "buy my course" in _texts(cy, gid)       # the author sees their own post
    _sync(cy, ana, ben)
    ana.reports.approve(gid, first, approve=False)
    _sync(ana, ben, cy)
    for svc in (ana, ben, cy):
        assert "buy my course" not in _texts(svc, gid)
    assert ana.reports.held(gid) == []
    second = cy.posts.post(gid, "sorry, a real hello").id   # still new: held again
    _sync(cy, ana, ben)
    assert [h.id for h in ana.reports.held(gid)] == [second]
    assert "sorry, a real hello" not in _texts(ben, gid)


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_a_newcomer_sees_their_rejected_post_as_not_approved(
        make_profile: Callable[[str], Services], relay: RelayProcess, decision: str) -> None:
    from app.cli_format import post_json
    from app.cli_posts import post_text

    ana, ben, gid = _pair(make_profile, relay)
    ana.moderation.settings(gid, approve_first=True)
    _sync(ana, ben)
    cy = make_profile("Cy")
    _join(ana, cy, gid)
    _sync(ana, ben, cy)
    first = cy.posts.post(gid, "hello, I am new").id
    gone = ben.posts.post(gid, "a post Ben deletes himself").id
    ben.posts.delete(gid, gone)
    _sync(cy, ben, ana)
    ana.reports.approve(gid, first, approve=decision == "approve")
    _sync(ana, ben, cy)
    view = cy.posts.get(gid, first)
    page = {p.id: p for p in cy.posts.latest(gid, 200).posts}
    assert page[first] == view
    if decision == "approve":
        assert view.approval == "" and not view.deleted and "hello, I am new" in post_text(view)
        assert post_json(view)["approval"] is None
    else:
        assert view.approval == "rejected" and post_json(view)["approval"] == "rejected"
        text = post_text(view)
        assert "not approved by a moderator" in text and "deleted" not in text
    assert ben.posts.get(gid, gone).approval == ""     # an ordinary deletion stays one
    assert "(deleted" in post_text(ben.posts.get(gid, gone))


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_a_newcomer_sees_their_held_post_as_waiting_until_a_moderator_decides(
        make_profile: Callable[[str], Services], relay: RelayProcess, decision: str) -> None:
    """The admin who admits a newcomer seals the settings in force again in the new key
    period, so the newcomer's client knows approval is on and says its posts wait."""
    from app.cli_format import post_json
    from app.cli_posts import post_text

    ana, ben, gid = _pair(make_profile, relay)
    ana.moderation.settings(gid, approve_first=True, newcomer_days=3)
    _sync(ben, ana, ben)
    lines_before = [p.text for p in ben.posts.latest(gid, 200).posts if p.kind == "event"]
    cy = make_profile("Cy")
    _join(ana, cy, gid)
    _sync(ana, ben, cy)
    assert cy.moderation.approve_first(gid)               # the newcomer knows it now
    first = cy.posts.post(gid, "hello, I am new").id
    view = cy.posts.get(gid, first)
    assert view.approval == "waiting"
    assert {p.id: p for p in cy.posts.latest(gid).posts}[first].approval == "waiting"
    assert "waiting for a moderator's approval" in post_text(view)
    assert post_json(view)["approval"] == "waiting"
    _sync(cy, ana, ben)
    assert cy.posts.get(gid, first).approval == "waiting"
    assert [h.id for h in ana.reports.held(gid)] == [first]   # the others hold it as before
    assert all(p.approval == "" for p in ana.posts.latest(gid).posts)   # the admin's own
    # the repeated settings add no line for the members who had them
    assert [p.text for p in ben.posts.latest(gid, 200).posts if p.kind == "event"
            and "approval" in p.text] == [t for t in lines_before if "approval" in t]

    ana.reports.approve(gid, first, approve=decision == "approve")
    _sync(ana, cy)
    view = cy.posts.get(gid, first)
    if decision == "approve":
        assert view.approval == "" and "approval" not in post_text(view)
        assert cy.posts.get(gid, cy.posts.post(gid, "no wait now").id).approval == ""
    else:
        assert view.approval == "rejected"
        assert "not approved by a moderator" in post_text(view)
        again = cy.posts.post(gid, "sorry, a real hello").id      # still new: waits again
        assert cy.posts.get(gid, again).approval == "waiting"
