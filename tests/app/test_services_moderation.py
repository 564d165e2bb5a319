"""Moderation through the facade with four real profiles and a real relay: removals with a
reason, timeouts refused whatever the delivery order, lift, lock, slow mode, bans refused
through a fresh invite, and one log, identical on every member."""
from __future__ import annotations

from collections.abc import Callable

import pytest

from app.api import Services
from app.errors import NotAllowed
from tests.app.test_services import _pair
from tests.app.test_services_governance import _join
from tests.e2e.harness import RelayProcess

pytestmark = pytest.mark.timeout(240)


def _plain(text: str) -> str:
    return text.replace("\u2068", "").replace("\u2069", "")


def _log(svc: Services, gid: str) -> list[tuple[str, str, int]]:
    return [(v.action, v.reason, v.time) for v in svc.moderation.log(gid)]


def _texts(svc: Services, gid: str) -> list[str]:
    return [p.text for p in svc.posts.latest(gid, 200).posts
            if p.kind == "post" and not p.deleted]


def _sync(*members: Services) -> None:
    for svc in members:
        svc.sync_once()


def test_moderation_is_enforced_and_logged_the_same_on_every_member(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    cy, dee = make_profile("Cy"), make_profile("Dee")
    _join(ana, cy, gid)
    _join(ana, dee, gid)
    ana.governance.set_role(gid, "Ben", "moderator")
    _sync(ana, ben, cy, dee)
    everyone = (ana, ben, cy, dee)

    # a member cannot moderate; a moderator removes a post with a reason
    spam = cy.posts.post(gid, "Cheap watches here").id
    _sync(cy, ben, dee)
    with pytest.raises(NotAllowed, match="moderat"):
        dee.moderation.remove_post(gid, spam, "no")
    ben.moderation.remove_post(gid, spam, "spam")
    _sync(ben, ana, cy, dee)
    for svc in everyone:
        assert "Cheap watches here" not in _texts(svc, gid)
        lines = [_plain(p.text) for p in svc.posts.latest(gid, 200).posts
                 if p.code == "mod:remove"]
        assert lines and lines[0].endswith(("removed a post by Cy: spam",
                                            "removed a post of yours: spam")), lines

    # a timeout: one post sent in the window arrives before the timeout (Dee's app stores
    # it, then removes it when the timeout arrives), one after (refused on arrival)
    ben.moderation.timeout(gid, "Cy", 3600, "cool down")   # sealed, not yet sent
    early = cy.posts.post(gid, "written in the window, delivered first").id
    _sync(cy, dee)
    assert "written in the window, delivered first" in _texts(dee, gid)
    _sync(ben)                     # the timeout reaches the relay after Cy's first post
    late = cy.posts.post(gid, "written in the window, delivered late")
    assert late.id != early
    _sync(cy, ana, dee, ben, cy)
    for svc in everyone:
        texts = _texts(svc, gid)
        assert "written in the window, delivered first" not in texts
        assert "written in the window, delivered late" not in texts
    with pytest.raises(NotAllowed, match="timed out"):
        cy.posts.post(gid, "still timed out?")
    assert any("refused" in w for w in _warnings(dee, gid))

    # lift: Cy posts again
    ben.moderation.lift(gid, "Cy")
    _sync(ben, cy)
    cy.posts.post(gid, "thanks")
    _sync(cy, ana, dee, ben)
    assert all("thanks" in _texts(svc, gid) for svc in everyone)

    # lock and slow mode on General; moderators and admins are exempt
    ben.moderation.channel_rule(gid, "General", locked=True)
    _sync(ben, cy, dee, ana)
    with pytest.raises(NotAllowed, match="locked"):
        dee.posts.post(gid, "locked out")
    ana.posts.post(gid, "admins still post")
    ben.moderation.channel_rule(gid, "general", locked=False, slowmode=3600)
    _sync(ana, ben, dee)
    dee.posts.post(gid, "one")
    with pytest.raises(NotAllowed, match="slow mode"):
        dee.posts.post(gid, "two")
    ben.moderation.channel_rule(gid, "General", slowmode=0)

    # ban: Dee is removed, and a fresh invite does not bring Dee back
    with pytest.raises(NotAllowed):
        ben.moderation.ban(gid, "Dee")                 # moderators cannot ban
    ana.moderation.ban(gid, "Dee", "repeated spam")
    _sync(ana, ben, cy, dee)
    assert "Dee" not in {m.name for m in ana.groups.members(gid)}
    link = ana.invites.create(gid).link
    _sync(ana)
    dee.invites.join(link)
    _sync(dee)
    report = ana.sync_once()
    assert report.admitted == 0
    assert any("banned" in w for w in report.warnings)
    assert "Dee" not in {m.name for m in ana.groups.members(gid)}
    assert len(ana.moderation.banned(gid)) == 1

    # one log, identical on every remaining member
    _sync(ana, ben, cy)
    logs = [_log(svc, gid) for svc in (ana, ben, cy)]
    assert logs[0] == logs[1] == logs[2]
    assert sorted(a for a, _r, _t in logs[0]) == sorted(
        ["remove", "timeout", "lift", "channel", "channel", "channel", "ban"])
    assert [t for _a, _r, t in logs[0]] == sorted(t for _a, _r, t in logs[0])


def _warnings(svc: Services, gid: str) -> list[str]:
    return [p.text for p in svc.posts.latest(gid, 200).posts if p.kind == "warning"]


def test_newcomer_safeguards_and_quiet_mode(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    with pytest.raises(NotAllowed):
        ben.moderation.settings(gid, newcomer_days=7)      # admins only
    ana.moderation.settings(gid, newcomer_days=7)
    _sync(ana, ben)
    cy = make_profile("Cy")
    _join(ana, cy, gid)
    _sync(ana, ben, cy)
    # Cy joined after the settings: Cy's app never saw them (docs/protocol.md §5.3.3), but
    # every member who did refuses a newcomer's link and mass mention; plain text passes
    cy.posts.post(gid, "look at https://example.org/deal")
    cy.posts.post(gid, "@a @b @c @d @e hello all")
    cy.posts.post(gid, "hello, I am new")
    _sync(cy, ana, ben)
    for svc in (ana, ben):
        texts = _texts(svc, gid)
        assert "hello, I am new" in texts
        assert not any("example.org" in t or "@a @b" in t for t in texts)
        assert any("new members cannot post links" in w for w in _warnings(svc, gid))
        assert any("new members cannot post mass mentions" in w for w in _warnings(svc, gid))
    # quiet mode: the lines leave the conversation, the log keeps them
    assert any(p.code.startswith("mod:") for p in ana.posts.latest(gid, 200).posts)
    ana.moderation.settings(gid, quiet=True)
    _sync(ana, ben)
    for svc in (ana, ben):
        assert not any(p.code.startswith("mod:") for p in svc.posts.latest(gid, 200).posts)
        assert [v.action for v in svc.moderation.log(gid)] == ["settings", "settings"]
        assert svc.moderation.current_settings(gid) == (True, 7)


def test_a_channel_rule_names_its_channel(make_profile: Callable[[str], Services],
                                          relay: RelayProcess) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    reading = ana.channels.create(gid, "Reading").id
    ana.moderation.channel_rule(gid, reading, locked=True, slowmode=30)
    _sync(ana, ben)
    assert _plain(ana.moderation.log(gid)[-1].text) == "You locked Reading; slow mode 30 s"
    assert _plain(ben.moderation.log(gid)[-1].text) == "Ana locked Reading; slow mode 30 s"
