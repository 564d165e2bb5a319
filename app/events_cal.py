"""Calendar events: `Services.events` — create, edit, cancel, RSVP, upcoming, .ics export.

An event is a row in the conversation (its title is what search finds) and a row in the
store (app/store/calendar.py). Its creator or an admin edits or cancels it for everyone;
each member's RSVP is their latest answer. Times are unix seconds plus the IANA zone they
were given in; export is an iCalendar file written by the `icalendar` library.
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import crypto
from app.access import Access
from app.errors import InvalidInput, NotAllowed, NotFound
from app.i18n import _
from app.polls import channel_id, resolve_item, seal
from app.polls_inbound import event_change, event_record
from app.polls_views import EventView, RsvpAnswer, RsvpView
from app.render import FORMER_MEMBER, hexid
from app.runtime import Runtime
from app.sending import active
from app.store import EventRecord, NewPost, Store
from crypto import polls as rules

ANSWERS: dict[str, int] = {"going": rules.RSVP_GOING, "maybe": rules.RSVP_MAYBE,
                           "no": rules.RSVP_NO}
NAMES: dict[int, RsvpAnswer] = {v: k for k, v in ANSWERS.items()}  # type: ignore[misc]
DEFAULT_REMINDER_MINUTES = 15
MAX_REMINDER_MINUTES = 1440
REMINDER_KEY = "event_reminder_minutes"
PRODID = "-//Coterie//Coterie events//EN"


def local_zone_name() -> str:
    """The IANA name of this machine's zone when it can be told ("" otherwise)."""
    name = os.environ.get("TZ", "").lstrip(":")
    if not name:
        try:
            target = os.path.realpath("/etc/localtime")
        except OSError:
            target = ""
        if "zoneinfo/" in target:
            name = target.split("zoneinfo/", 1)[1]
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ""
    return name


def parse_when(text: str, zone: str | None = None) -> tuple[int, str]:
    """(unix seconds, IANA zone) of an ISO 8601 date-time; a time without an offset is in
    `zone` (or this machine's zone)."""
    raw = (text or "").strip()
    try:
        when = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(_("'{text}' is not a date and time; write it like "
                             "2026-12-05T19:30 or 2026-12-05T19:30+01:00.").format(text=raw)) from None
    name = zone if zone is not None else local_zone_name()
    if when.tzinfo is None:
        if name:
            when = when.replace(tzinfo=ZoneInfo(name))
        else:
            when = when.astimezone()
    elif zone is None:
        name = ""  # an explicit offset says nothing about the zone's name
    stamp = int(when.timestamp())
    if not 0 <= stamp <= rules.MAX_TIME:
        raise InvalidInput(_("'{text}' is out of range.").format(text=raw))
    return stamp, name


def _fields(title: str, starts: int, ends: int, tz: str, description: str,
            place: str) -> rules.EventFields:
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("An event needs a title."))
    for value, limit, too_long in (
            (title, rules.MAX_TITLE_BYTES, _("That title is too long; the limit is {n} bytes.")),
            (description, rules.MAX_DESCRIPTION_BYTES,
             _("That description is too long; the limit is {n} bytes.")),
            (place, rules.MAX_PLACE_BYTES, _("That place is too long; the limit is {n} bytes."))):
        if len(value.encode()) > limit:
            raise InvalidInput(too_long.format(n=limit))
    if ends and ends < starts:
        raise InvalidInput(_("An event cannot end before it starts."))
    return rules.EventFields(title, starts, ends, tz, description.strip(), place.strip())


class EventService:
    """Calendar events in a group's conversation."""

    def __init__(self, access: Access) -> None:
        self._access = access

    def _event(self, rt: Runtime, gid: bytes, ref: str) -> EventRecord:
        missing = _("There is no event '{ref}' in this group.").format(ref=ref)
        event = rt.store.events.get_event(gid, resolve_item(rt, gid, ref, missing))
        if event is None:
            raise NotFound(missing)
        return event

    def create(self, group: str, title: str, starts: str, ends: str | None = None, *,
               place: str = "", description: str = "", zone: str | None = None,
               channel: str | None = None) -> EventView:
        """A new event; `starts`/`ends` are ISO 8601 (see parse_when)."""
        rt = self._access.runtime()
        start, tz = parse_when(starts, zone)
        end = parse_when(ends, zone)[0] if ends else 0
        fields = _fields(title, start, end, tz, description, place)
        gid, session = active(rt, group)
        content = rules.EventCreate(fields, channel_id(rt, gid, channel))
        name = rt.sender_name(session, rt.me)

        def local(store: Store, sealed: crypto.Sealed) -> None:
            store.posts.insert_posts([NewPost(gid, sealed.message_id, rt.me, name,
                                              sealed.sent_at, sealed.sent_at, sealed.seq,
                                              "calendar", fields.title, None, None, True,
                                              content.channel)])
            store.events.add_event(event_record(gid, sealed.message_id, rt.me, content,
                                                sealed.sent_at))

        [sealed] = seal(rt, gid, session, [(content, local)])
        return self.get(gid.hex(), sealed.message_id.hex())

    def update(self, group: str, event_ref: str, *, title: str | None = None,
               starts: str | None = None, ends: str | None = None, place: str | None = None,
               description: str | None = None, zone: str | None = None,
               cancel: bool = False) -> EventView:
        """Change an event's fields (None keeps one) or cancel it: its creator or an admin."""
        rt = self._access.runtime()
        gid, session = active(rt, group)
        event = self._event(rt, gid, event_ref)
        if event.creator_ik != rt.me and not session.is_admin:
            raise NotAllowed(_("Only the event's creator or an admin can change it."))
        if event.cancelled:
            raise NotAllowed(_("This event was cancelled."))
        start, tz = parse_when(starts, zone) if starts else (event.starts_at, event.tz)
        end = (parse_when(ends, zone)[0] if ends else 0) if ends is not None else event.ends_at
        fields = _fields(event.title if title is None else title, start, end, tz,
                         event.description if description is None else description,
                         event.place if place is None else place)
        content = rules.EventUpdate(event.event_id, fields, cancel)
        admin = session.is_admin
        me = rt.me

        def local(store: Store, sealed: crypto.Sealed) -> None:
            store.events.apply_update(gid, event.event_id,
                                      event_change(me, admin, sealed.sent_at, sealed.seq, content),
                                      crypto.encode_content(content))

        seal(rt, gid, session, [(content, local)], event.event_id)
        return self.get(gid.hex(), event.event_id.hex())

    def cancel(self, group: str, event_ref: str) -> EventView:
        return self.update(group, event_ref, cancel=True)

    def rsvp(self, group: str, event_ref: str, answer: str | None) -> EventView:
        """going, maybe or no; None takes my answer back."""
        rt = self._access.runtime()
        gid, session = active(rt, group)
        event = self._event(rt, gid, event_ref)
        if answer is not None and answer not in ANSWERS:
            raise InvalidInput(_("Answer going, maybe or no."))
        if event.cancelled:
            raise NotAllowed(_("This event was cancelled."))
        code = ANSWERS[answer] if answer is not None else rules.RSVP_NONE
        me = rt.me

        def local(store: Store, sealed: crypto.Sealed) -> None:
            store.events.set_rsvp(gid, event.event_id, me, sealed.epoch, sealed.seq, code)

        seal(rt, gid, session, [(rules.Rsvp(event.event_id, code), local)], event.event_id)
        return self.get(gid.hex(), event.event_id.hex())

    # -- reading ------------------------------------------------------------------------------
    def get(self, group: str, event_ref: str) -> EventView:
        rt = self._access.runtime()
        record = rt.resolve_group(group)
        return self._view(rt, record.name, self._event(rt, record.id, event_ref))

    def upcoming(self, group: str | None = None, limit: int = 200) -> list[EventView]:
        """Events not over yet (of one group, or every group), soonest first."""
        rt = self._access.runtime()
        record = rt.resolve_group(group) if group else None
        rows = rt.store.events.list_events(record.id if record else None, rt.now(), limit)
        names = {g.id: g.name for g in rt.store.groups.list_groups()} if record is None else {}
        return [self._view(rt, record.name if record else names.get(e.group_id, ""), e)
                for e in rows]

    def reminder_minutes(self) -> int:
        """How long before an event starts its desktop reminder shows (0: no reminders)."""
        raw = self._access.runtime().store.settings.get(REMINDER_KEY)
        return int(raw) if raw is not None and raw.isdigit() else DEFAULT_REMINDER_MINUTES

    def set_reminder_minutes(self, minutes: int) -> None:
        if not 0 <= minutes <= MAX_REMINDER_MINUTES:
            raise InvalidInput(_("A reminder comes 0 to 1440 minutes (a day) before the event."))
        self._access.runtime().store.settings.set(REMINDER_KEY, str(minutes))

    def due_reminders(self, lead_minutes: int | None = None) -> list[EventView]:
        """Events starting within the lead time not reminded of yet; they are marked now."""
        rt = self._access.runtime()
        lead = self.reminder_minutes() if lead_minutes is None else lead_minutes
        if lead <= 0:
            return []
        due = rt.store.events.due_reminders(rt.now(), lead * 60)
        names = {g.id: g.name for g in rt.store.groups.list_groups()}
        for e in due:
            rt.store.events.mark_reminded(e.group_id, e.event_id)
        return [self._view(rt, names.get(e.group_id, ""), e) for e in due]

    def export_ics(self, group: str, event_ref: str) -> bytes:
        """The event as an iCalendar file (one VEVENT)."""
        return ics(self.get(group, event_ref))

    def _view(self, rt: Runtime, group_name: str, e: EventRecord) -> EventView:
        return event_view(rt, group_name, e)


def event_view(rt: Runtime, group_name: str, e: EventRecord) -> EventView:
    """What an event shows this member now."""
    gid = e.group_id
    members = {m.ik: m for m in rt.store.groups.list_members(gid)}
    me = rt.me
    answers = rt.store.events.rsvps(gid, e.event_id)
    rsvps = tuple(sorted(
        (RsvpView(members[ik].display_name if ik in members else _(FORMER_MEMBER),
                  crypto.fingerprint(ik), NAMES[a], ik == me)
         for ik, a in answers.items() if a in NAMES), key=lambda r: (r.answer, r.name)))
    creator = members.get(e.creator_ik)
    session = rt.session(gid)
    return EventView(
        id=hexid(e.event_id), group_id=hexid(gid), group_name=group_name,
        channel=hexid(e.channel), title=e.title, description=e.description, place=e.place,
        tz=e.tz, starts_at=e.starts_at, ends_at=e.ends_at, cancelled=e.cancelled,
        creator_name=creator.display_name if creator else _(FORMER_MEMBER),
        creator_fingerprint=crypto.fingerprint(e.creator_ik), created_at=e.created,
        rsvps=rsvps, my_answer=NAMES.get(answers.get(me, 0)),
        mine=e.creator_ik == me,
        can_edit=not e.cancelled and (e.creator_ik == me or session.is_admin))


def _moment(stamp: int, tz: str) -> dt.datetime:
    utc = dt.datetime.fromtimestamp(stamp, dt.UTC)
    if tz:
        try:
            return utc.astimezone(ZoneInfo(tz))
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return utc


def ics(e: EventView) -> bytes:
    """One event as an iCalendar document (RFC 5545), via the icalendar library."""
    # Imported here, not at the top: icalendar (with dateutil) costs a CLI command about a
    # tenth of its start-up, and only an export uses it while every post read imports this
    # module (app.cards); see bench/bench_cli.py.
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    ev = icalendar.Event()
    ev.add("uid", f"{e.id}@coterie")
    ev.add("dtstamp", dt.datetime.fromtimestamp(e.created_at, dt.UTC))
    ev.add("summary", e.title)
    ev.add("dtstart", _moment(e.starts_at, e.tz))
    if e.ends_at:
        ev.add("dtend", _moment(e.ends_at, e.tz))
    if e.description:
        ev.add("description", e.description)
    if e.place:
        ev.add("location", e.place)
    if e.cancelled:
        ev.add("status", "CANCELLED")
    cal.add_component(ev)
    if e.tz:
        cal.add_missing_timezones()
    return cal.to_ical()


def write_ics(e: EventView, path: Path) -> None:
    path.write_bytes(ics(e))
