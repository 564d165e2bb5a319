"""Every poll and event rule, broken by a modified client and refused by the others.

Real profiles and a real relay: the attacker is a member whose client skips its own checks
and seals what it likes (app.polls.seal, the services' own sealing path), so what reaches
the others is exactly what such a client could send.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from app.api import Services
from app.polls import seal
from crypto import polls as rules
from tests.e2e.harness import RelayProcess

pytestmark = [pytest.mark.timeout(180)]


def _trio(make: Callable[[str], Services], relay: RelayProcess) -> tuple[Services, ...]:
    ana, ben, cy = make("Ana"), make("Ben"), make("Cy")
    gid = ana.groups.create("Walkers", relay.url).id
    for member in (ben, cy):
        link = ana.invites.create(gid).link
        ana.sync_once()
        member.invites.join(link)
        member.sync_once()
        ana.sync_once()
        member.sync_once()
    for member in (ana, ben, cy):
        member.sync_once()
    return ana, ben, cy


def _gid(svc: Services) -> str:
    return svc.groups.list()[0].id


def _send_raw(svc: Services, content: Any) -> None:
    """What a modified client sends: sealed as-is, no local checks, no local effect."""
    rt = svc._access.runtime()
    gid = bytes.fromhex(_gid(svc))
    seal(rt, gid, rt.session(gid), [(content, None)])
    svc.sync_once()


def _counts(svc: Services, poll: str) -> list[int]:
    return [o.count for o in svc.polls.get(_gid(svc), poll).options]


def _sync(*members: Services) -> None:
    for m in members:
        m.sync_once()


def test_votes_for_missing_options_or_too_many_choices_are_not_counted(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    ana, ben, cy = _trio(make_profile, relay)
    gid = _gid(ana)
    poll = ana.polls.create(gid, "Where?", ["Ridge", "Lake", "Forest"]).id
    ana.sync_once()
    _sync(ben, cy)
    ben.polls.vote(gid, poll, ["2"])
    ben.sync_once()
    pid = bytes.fromhex(poll)
    _send_raw(ben, rules.PollVote(pid, 1 << 5))          # option 6 of 3
    _send_raw(cy, rules.PollVote(pid, 0b011))            # two choices in a one-choice poll
    _sync(ana, ben, cy)
    for member in (ana, ben, cy):
        assert _counts(member, poll) == [0, 1, 0]        # Ben's valid vote still counts
    stored = ana._access.runtime().store.polls
    assert list(stored.recount_check(bytes.fromhex(gid), pid)) == [0, 1, 0]


def test_a_vote_sent_after_the_close_is_not_counted_by_anyone(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    ana, ben, cy = _trio(make_profile, relay)
    gid = _gid(ana)
    poll = ana.polls.create(gid, "Where?", ["Ridge", "Lake"]).id
    ana.sync_once()
    _sync(ben, cy)
    cy.polls.vote(gid, poll, ["Ridge"])
    cy.sync_once()
    ana.sync_once()
    ana.polls.close(gid, poll)
    ana.sync_once()
    ben_rt = ben._access.runtime()
    ben_rt.clock = lambda: time.time() + 5                     # a little later,
    _send_raw(ben, rules.PollVote(bytes.fromhex(poll), 0b10))   # Ben ignores the close
    _sync(ana, ben, cy)
    for member in (ana, ben, cy):
        shown = member.polls.get(gid, poll)
        assert shown.closed and [o.count for o in shown.options] == [1, 0], member.profile_dir


def test_a_close_from_a_member_who_is_neither_creator_nor_admin_is_ignored(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    ana, ben, cy = _trio(make_profile, relay)
    gid = _gid(ana)
    poll = ben.polls.create(gid, "Where?", ["Ridge", "Lake"]).id
    ben.sync_once()
    _sync(ana, cy)
    _send_raw(cy, rules.PollClose(bytes.fromhex(poll)))
    ana.polls.vote(gid, poll, ["Lake"])
    ana.sync_once()
    _sync(ana, ben, cy)
    for member in (ana, ben, cy):
        shown = member.polls.get(gid, poll)
        assert not shown.closed and [o.count for o in shown.options] == [0, 1]


def test_forged_tallies_are_rejected_and_a_copied_ballot_counts_for_nobody(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    ana, ben, cy = _trio(make_profile, relay)
    gid = _gid(ana)
    poll = ben.polls.create(gid, "Date?", ["Sat", "Sun"], anonymous=True).id
    ben.sync_once()
    _sync(ana, cy)
    ana.polls.vote(gid, poll, ["Sat"])
    ana.sync_once()
    _sync(ben, ana, cy)
    assert _counts(cy, poll) == [1, 0]
    pid, group = bytes.fromhex(poll), bytes.fromhex(gid)
    # Cy signs a tally herself (not the creator); Ben's own client sends one with a bad
    # signature; both claim a later sequence number than the real one.
    cy_rt = cy._access.runtime()
    by_cy = rules.sign_tally(cy_rt.identity.sign, group, rules.PollTally(pid, 50, False, 9, (0, 9)))
    _send_raw(cy, by_cy)
    ben_rt = ben._access.runtime()
    good = rules.sign_tally(ben_rt.identity.sign, group, rules.PollTally(pid, 60, False, 9, (9, 0)))
    bad_sig = bytes([good.signature[0] ^ 1]) + good.signature[1:]
    _send_raw(ben, rules.PollTally(pid, 60, False, 9, (9, 0), bad_sig))
    _sync(ana, cy)
    for member in (ana, cy):
        shown = member.polls.get(gid, poll)
        assert [o.count for o in shown.options] == [1, 0] and shown.tally_seq < 50
    # Cy copies Ana's sealed ballot and sends it as her own: Ben's client does not count it.
    ballot_key = ben_rt.store.polls.get_poll(group, pid).ballot_key
    copied = rules.seal_vote(group, pid, ballot_key, ana._access.runtime().identity.ik, 0b10,
                             cy_rt.rng)
    _send_raw(cy, copied)
    _sync(ben, ana)
    assert _counts(ben, poll) == [1, 0] and _counts(ana, poll) == [1, 0]


def test_an_event_edit_from_a_member_who_is_neither_creator_nor_admin_is_ignored(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    ana, ben, cy = _trio(make_profile, relay)
    gid = _gid(ana)
    event = ben.events.create(gid, "Lantern walk", "2030-01-05T19:00+01:00").id
    ben.sync_once()
    _sync(ana, cy)
    fields = rules.EventFields("Cancelled, sorry", 1_893_866_400)
    _send_raw(cy, rules.EventUpdate(bytes.fromhex(event), fields, True))
    ana.events.update(gid, event, place="Quai 4")              # an admin may
    _sync(ana, ben, cy)
    for member in (ana, ben, cy):
        shown = member.events.get(gid, event)
        assert (shown.title, shown.place, shown.cancelled) == ("Lantern walk", "Quai 4", False)
