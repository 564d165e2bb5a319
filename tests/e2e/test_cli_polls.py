"""Polls and events end to end: three profiles, one relay, every command its own process."""
from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from pathlib import Path

import icalendar
import pytest

from crypto import BUCKETS
from tests.e2e.harness import Cli, RelayProcess, scan_for

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]  # ~70 CLI processes per test


def _group_of_three(relay: RelayProcess, make_cli: Callable[..., Cli]) -> tuple[str, Cli, Cli, Cli]:
    ana, ben, cy = make_cli("Ana"), make_cli("Ben"), make_cli("Cy")
    gid = ana.out("group", "create", "Walkers", "--relay", relay.url)
    for member in (ben, cy):
        member.run("join", ana.out("invite", "create", gid))
        ana.run("sync")
        member.run("sync")
    for member in (ana, ben, cy):
        member.run("sync")
    return gid, ana, ben, cy


def _refused(cli: Cli, *args: str) -> str:
    """A command that must fail with one sentence and no traceback; returns the sentence."""
    done = cli.run(*args, check=False)
    assert done.returncode != 0, args
    assert "Traceback" not in done.stderr and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def _counts(doc: dict) -> list[int]:
    return [o["count"] for o in doc["options"]]


def test_polls_in_both_modes_through_a_real_relay(
        relay: RelayProcess, make_cli: Callable[..., Cli]) -> None:
    gid, ana, ben, cy = _group_of_three(relay, make_cli)

    # An open poll: everyone sees who voted for what; a changed vote replaces the first.
    pid = ana.out("poll", "create", gid, "Where shall we walk?", "Ridge", "Lake", "Forest",
                  "--closes", "2h")
    assert len(pid) == 64
    ben.run("sync")
    ben.run("poll", "vote", gid, pid, "2")
    cy.run("sync")
    cy.run("poll", "vote", gid, pid[:10], "Ridge")
    ben.run("poll", "vote", gid, pid, "Forest")          # Ben changes his mind
    for member in (ana, ben, cy):
        member.run("sync")
    shown = ana.json("poll", "show", gid, pid)
    assert _counts(shown) == [1, 0, 1] and shown["voters"] == 2
    assert [o["voters"] for o in shown["options"]] == [["Cy"], [], ["Ben"]]
    assert shown["closes_at"] and not shown["closed"] and not shown["anonymous"]
    assert cy.json("poll", "show", gid, pid)["options"][0]["mine"] is True
    cy.run("poll", "retract", gid, pid)
    ana.run("sync")
    assert _counts(ana.json("poll", "show", gid, pid)) == [0, 0, 1]
    cy.run("poll", "vote", gid, pid, "1")

    # Ben may not close Ana's poll; Ana (creator) closes it, and later votes are refused.
    assert "creator or an admin" in _refused(ben, "poll", "close", gid, pid)
    ana.run("sync")
    assert ana.json("poll", "close", gid, pid)["closed"] is True
    for member in (ben, cy):
        member.run("sync")
    assert "closed" in _refused(ben, "poll", "vote", gid, pid, "1")
    final = [_counts(m.json("poll", "show", gid, pid)) for m in (ana, ben, cy)]
    assert final == [[1, 0, 1]] * 3

    # An anonymous poll by Ben (a member): votes are sealed to him; he publishes totals.
    anon = ben.out("poll", "create", gid, "Pick a date", "Saturday", "Sunday", "--anonymous")
    ana.run("sync")
    cy.run("sync")
    ana.run("poll", "vote", gid, anon, "Saturday")
    cy.run("poll", "vote", gid, anon, "2")
    ben.run("sync")                    # opens the ballots, publishes a signed tally
    ana.run("sync")
    seen = ana.json("poll", "show", gid, anon)
    assert seen["anonymous"] and "the creator sees who voted; others see totals" in seen["note"]
    assert _counts(seen) == [1, 1] and seen["voters"] == 2 and seen["tally_seq"] >= 1
    assert all(o["voters"] == [] for o in seen["options"])
    assert seen["options"][0]["mine"] and seen["i_voted"]
    creator_view = ben.json("poll", "show", gid, anon)
    assert [o["voters"] for o in creator_view["options"]] == [["Ana"], ["Cy"]]
    cy.run("poll", "vote", gid, anon, "1")               # Cy changes her vote
    ben.run("sync")
    ana.run("poll", "close", gid, anon)                  # an admin closes someone's poll
    ben.run("sync")                                      # the closing tally
    for member in (ana, cy):
        member.run("sync")
    for member in (ana, cy):
        doc = member.json("poll", "show", gid, anon)
        assert _counts(doc) == [2, 0] and doc["closed"], member.profile.name

    # Bad input: one sentence, non-zero exit, nothing sent or stored.
    before = ana.json("poll", "list", gid)
    assert "option 9" in _refused(ana, "poll", "vote", gid, pid, "9")
    assert "2 to 12 options" in _refused(ana, "poll", "create", gid, "Only one?", "Yes")
    assert "no channel" in _refused(ana, "poll", "create", gid, "Q", "a", "b", "--channel",
                                    "nowhere")
    assert "end before it starts" in _refused(
        ana, "event", "create", gid, "Backwards", "--starts", "2030-01-05T19:00+01:00",
        "--ends", "2030-01-05T18:00+01:00")
    assert "not a date" in _refused(ana, "event", "create", gid, "Someday", "--starts",
                                    "next friday")
    assert ana.json("poll", "list", gid) == before
    assert ana.json("event", "list", gid)["events"] == []

    # Search finds the questions, with ids to jump to.
    assert pid in {h["post"] for h in cy.json("search", "walk", "--group", gid)["hits"]}
    assert anon in {h["post"] for h in cy.json("search", "date")["hits"]}
    _relay_saw_nothing(relay, ("Where shall we walk?", "Ridge", "Forest", "Pick a date",
                               "Saturday", "Walkers"))


def _relay_saw_nothing(relay: RelayProcess, words: tuple[str, ...]) -> None:
    """The relay stored only bucket-sized envelopes and none of the words."""
    relay.stop()
    with sqlite3.connect(relay.data_dir / "relay.db") as db:
        sizes = {row[0] for row in db.execute("SELECT length(body) FROM messages")}
    assert sizes and sizes <= set(BUCKETS)
    assert scan_for([relay.data_dir, relay.log_path], {w: w.encode() for w in words}) == []


def test_an_event_with_answers_an_edit_and_an_ics_through_a_real_relay(
        relay: RelayProcess, make_cli: Callable[..., Cli], tmp_path: Path) -> None:
    gid, ana, ben, cy = _group_of_three(relay, make_cli)

    # An event with RSVPs, an edit by its creator seen by everyone, and its .ics.
    eid = ana.out("event", "create", gid, "Lantern walk", "--starts", "2030-01-05T19:00+01:00",
                  "--ends", "2030-01-05T21:30+01:00", "--where", "Café Lumière, Quai 4")
    ben.run("sync")
    ben.run("event", "rsvp", gid, eid, "going")
    cy.run("sync")
    cy.run("event", "rsvp", gid, eid, "maybe")
    ana.run("event", "rsvp", gid, eid, "no")
    ana.run("event", "edit", gid, eid, "--title", "Lantern walk by the lake")
    for member in (ana, ben, cy):
        member.run("sync")
    [event] = ben.json("event", "list", gid)["events"]
    assert event["title"] == "Lantern walk by the lake" and event["where"] == "Café Lumière, Quai 4"
    assert (event["going"], event["maybe"], event["no"]) == (1, 1, 1)
    assert {r["name"]: r["answer"] for r in event["rsvps"]} == {
        "Ana": "no", "Ben": "going", "Cy": "maybe"}
    assert "can't 1" in ben.out("event", "list", gid)
    out = tmp_path / "walk.ics"
    cy.run("event", "export", gid, eid, "--out", str(out))
    cal = icalendar.Calendar.from_ical(out.read_bytes())
    [vevent] = cal.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Lantern walk by the lake"
    assert str(vevent["LOCATION"]) == "Café Lumière, Quai 4"
    start = dt.datetime(2030, 1, 5, 18, 0, tzinfo=dt.UTC)
    assert vevent.decoded("DTSTART") == start
    assert vevent.decoded("DTEND") == start + dt.timedelta(hours=2, minutes=30)
    assert icalendar.Calendar.from_ical(cy.out("event", "export", gid, eid).encode())

    # A member cannot edit or cancel Ana's event; she cancels it and everyone sees it.
    assert "creator or an admin" in _refused(ben, "event", "cancel", gid, eid)
    ana.run("event", "cancel", gid, eid)
    cy.run("sync")
    assert cy.json("event", "list", gid)["events"][0]["cancelled"] is True

    # Search finds the event, with its id to jump to; the relay saw none of it.
    assert eid in {h["post"] for h in cy.json("search", "lantern", "--group", gid)["hits"]}
    _relay_saw_nothing(relay, ("Lantern walk", "Café Lumière", "Quai 4", "Walkers"))
