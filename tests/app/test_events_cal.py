"""Calendar events on one profile: times and zones, the .ics file, reminders."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import icalendar
import pytest

from app.api import Services
from app.errors import InvalidInput
from app.events_cal import parse_when
from tests.e2e.harness import RelayProcess


def test_times_keep_their_zone_and_bad_dates_are_one_sentence() -> None:
    assert parse_when("2030-01-05T19:00", "Europe/Paris") == (1893866400, "Europe/Paris")
    assert parse_when("2030-01-05T18:00+00:00") == (1893866400, "")
    assert parse_when("2030-01-05T19:00+01:00", "Europe/Paris")[0] == 1893866400
    with pytest.raises(InvalidInput, match="not a date"):
        parse_when("next friday")


def test_an_event_exports_as_ics_with_its_zone_and_reminds_once(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    ana = make_profile("Ana")
    rt = ana._access.runtime()
    gid = ana.groups.create("Walkers", relay.url).id
    soon = dt.datetime.fromtimestamp(rt.now() + 600, dt.UTC).replace(microsecond=0)
    event = ana.events.create(gid, "Lantern walk", soon.isoformat(),
                              (soon + dt.timedelta(hours=2)).isoformat(), place="Quai 4",
                              zone="Europe/Paris")
    cal = icalendar.Calendar.from_ical(ana.events.export_ics(gid, event.id))
    [vevent] = cal.walk("VEVENT")
    assert vevent.decoded("DTSTART") == soon
    assert str(vevent["DTSTART"].params["TZID"]) == "Europe/Paris"
    assert cal.walk("VTIMEZONE") and str(vevent["LOCATION"]) == "Quai 4"
    assert ana.events.reminder_minutes() == 15
    ana.events.set_reminder_minutes(5)
    assert ana.events.due_reminders() == []            # starts in 10 minutes
    ana.events.set_reminder_minutes(15)
    assert [e.title for e in ana.events.due_reminders()] == ["Lantern walk"]
    assert ana.events.due_reminders() == []            # once
    with pytest.raises(InvalidInput):
        ana.events.set_reminder_minutes(5000)
    cancelled = ana.events.cancel(gid, event.id)
    assert cancelled.cancelled
    [vevent] = icalendar.Calendar.from_ical(ana.events.export_ics(gid, event.id)).walk("VEVENT")
    assert str(vevent["STATUS"]) == "CANCELLED"
