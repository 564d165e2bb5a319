"""Every member's client reaches the same verdict on the same message whatever order and
delay the relay delivers in, with members' clocks apart (within the relay's tolerance):
four real profiles through a real relay, docs/protocol.md §5.3.3.

Ben (a moderator) seals each action and holds it back while members who do not know of it
yet post; the relay then holds the posts before the action, so Ben's client judges the
posts knowing the action (refused on arrival) while Dee's, Ana's and the poster's own
client store them first and re-judge them when the action arrives. Dee's clock runs 30 s
behind; Cy's moves ahead during the test."""
from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.api import Services
from app.errors import NotAllowed
from tests.e2e.harness import RelayProcess
from tests.keyring_double import MemoryKeyring

pytestmark = pytest.mark.timeout(300)


class Clock:
    """A member's clock: real time plus an offset the test moves (the relay accepts
    proofs up to two minutes off its own clock)."""

    def __init__(self, offset: float = 0.0) -> None:
        self.offset = offset

    def __call__(self) -> float:
        return time.time() + self.offset


@pytest.fixture
def four(tmp_path: Path, memory_keyring: MemoryKeyring,
         relay: RelayProcess) -> Iterator[tuple[dict[str, Services], dict[str, Clock], str]]:
    clocks = {"Ana": Clock(), "Ben": Clock(), "Cy": Clock(), "Dee": Clock(-30.0)}
    people: dict[str, Services] = {}
    try:
        for name, clock in clocks.items():
            svc = people[name] = Services(tmp_path / name, keyring_backend=memory_keyring,
                                          clock=clock)
            svc.profile.create(name)
        ana = people["Ana"]
        gid = ana.groups.create("Book club", relay.url).id
        for name in ("Ben", "Cy", "Dee"):
            joiner = people[name]
            link = ana.invites.create(gid).link
            ana.sync_once()
            joiner.invites.join(link)
            joiner.sync_once()
            assert ana.sync_once().admitted == 1
            assert joiner.sync_once().joined == (gid,)
        ana.governance.set_role(gid, "Ben", "moderator")
        _sync(*people.values(), *people.values())
        yield people, clocks, gid
    finally:
        for svc in people.values():
            svc.close()


def _sync(*members: Services) -> None:
    for svc in members:
        svc.sync_once()


def _visible(svc: Services, gid: str) -> list[tuple[str, str, int]]:
    return sorted((p.sender_fingerprint, p.text, p.sent_at)
                  for p in svc.posts.latest(gid, 200).posts if p.kind == "post" and not p.deleted)


def _log(svc: Services, gid: str) -> list[tuple]:
    return [(v.action, v.actor_fingerprint, v.target_fingerprint, v.reason, v.time, v.until,
             v.slowmode, v.locked) for v in svc.moderation.log(gid)]


def _same_everywhere(people: dict[str, Services], gid: str) -> list[str]:
    views = {name: _visible(svc, gid) for name, svc in people.items()}
    first = views["Ben"]
    for name, view in views.items():
        assert view == first, (name, view, first)
    logs = {name: _log(svc, gid) for name, svc in people.items()}
    assert all(log == logs["Ben"] for log in logs.values()), logs
    return [text for _fp, text, _t in first]


def test_late_and_reordered_posts_get_one_verdict_on_every_member(four) -> None:  # noqa: ANN001
    people, clocks, gid = four
    ana, ben, cy, dee = (people[n] for n in ("Ana", "Ben", "Cy", "Dee"))
    everyone = (ana, ben, cy, dee)

    # 1. A timeout held back: Cy, not knowing, posts in its window; Dee stores the post
    #    before the timeout arrives, Ben refuses it on arrival. Then a lift and slow mode:
    #    the refused post must not count as Cy's previous post anywhere (Dee stored it,
    #    Ana and Ben did not), so Cy's next post is judged alike.
    hello = ana.posts.post(gid, "hello all").id
    _sync(ana, *everyone)
    ben.moderation.timeout(gid, "Cy", 3600, "cool down")
    cy.posts.post(gid, "x: written while timed out")
    cy.posts.react(gid, hello, "🎉")
    _sync(cy, dee)
    assert "x: written while timed out" in [t for _f, t, _s in _visible(dee, gid)]
    assert dee.posts.get(gid, hello).reactions.get("🎉")
    _sync(ben, ana, cy, dee, ben)
    texts = _same_everywhere(people, gid)
    assert "x: written while timed out" not in texts
    for svc in everyone:
        assert not svc.posts.get(gid, hello).reactions.get("🎉"), svc.profile.me().name
    ben.moderation.lift(gid, "Cy")
    ben.moderation.channel_rule(gid, "General", slowmode=60)
    _sync(ben, *everyone)
    cy.posts.post(gid, "y: after the lift")
    with pytest.raises(NotAllowed, match="slow mode"):
        cy.posts.post(gid, "y2: too soon")
    _sync(cy, *everyone)
    assert "y: after the lift" in _same_everywhere(people, gid)

    # 2. A lock held back, clocks apart: Dee's post is signed (by Dee's clock, 30 s
    #    behind) before the lock and stands everywhere; Cy's (60 s ahead) is signed after
    #    it and is refused everywhere, whether the lock arrived first (Ben) or last.
    clocks["Cy"].offset = 60.0
    ben.moderation.channel_rule(gid, "General", slowmode=0, locked=True)
    dee.posts.post(gid, "w: signed before the lock")
    cy.posts.post(gid, "v: signed after the lock")
    _sync(cy, dee, ana)
    assert "v: signed after the lock" in [t for _f, t, _s in _visible(ana, gid)]
    _sync(ben, ana, cy, dee)
    texts = _same_everywhere(people, gid)
    assert "w: signed before the lock" in texts and "v: signed after the lock" not in texts
    with pytest.raises(NotAllowed, match="locked"):
        cy.posts.post(gid, "still locked?")

    # 3. Slow mode held back: Cy's first post since the rule is more than a minute after
    #    Cy's previous accepted one and stands; the second, a second later, is refused on
    #    every member, stored first or not.
    ben.moderation.channel_rule(gid, "General", locked=False)
    _sync(ben, *everyone)
    ben.moderation.channel_rule(gid, "General", slowmode=60)
    cy.posts.post(gid, "q1: first under slow mode")
    clocks["Cy"].offset += 1
    cy.posts.post(gid, "q2: one second later")
    _sync(cy, dee, ana)
    assert "q2: one second later" in [t for _f, t, _s in _visible(dee, gid)]
    _sync(ben, ana, cy, dee, ben)
    texts = _same_everywhere(people, gid)
    assert "q1: first under slow mode" in texts and "q2: one second later" not in texts
    assert [a for a, *_rest in _log(ana, gid)] == [
        "timeout", "lift", "channel", "channel", "channel", "channel"]
