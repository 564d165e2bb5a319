"""Calendar events: the event as it stands now, held updates, RSVPs and reminders.

An event shows its latest update (by sent time, then the sender's seq) from its creator or
an admin; a cancellation is final. Updates that arrive before their event wait in
event_held_updates. Each member's RSVP is their latest answer in their own write order.
"""
from __future__ import annotations

from dataclasses import dataclass

from app.store.core import StorePart, reads, writes


@dataclass(frozen=True)
class EventRecord:
    group_id: bytes
    event_id: bytes
    creator_ik: bytes
    channel: bytes
    title: str
    description: str
    place: str
    tz: str
    starts_at: int
    ends_at: int                   # 0: no end given
    cancelled: bool
    created: int
    updated: int = 0
    updated_seq: int = 0
    reminded: bool = False


@dataclass(frozen=True)
class EventChange:
    """An update from `sender` (admin: their role was checked when it arrived)."""

    sender_ik: bytes
    admin: bool
    sent_time: int
    seq: int
    title: str
    description: str
    place: str
    tz: str
    starts_at: int
    ends_at: int
    cancelled: bool


_COLS = ("group_id, event_id, creator_ik, channel, title, description, place, tz, starts_at, "
         "ends_at, cancelled, created, updated, updated_seq, reminded")


def _event(r: tuple) -> EventRecord:
    return EventRecord(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], bool(r[10]),
                       r[11], r[12], r[13], bool(r[14]))


class EventTables(StorePart):
    """Events, their updates, RSVPs and reminder marks."""

    @writes(durable=False)
    def add_event(self, event: EventRecord) -> bool:
        """Store an event once; updates that came first are applied now."""
        conn = self._db()
        cur = conn.execute(
            f"INSERT INTO events ({_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (event.group_id, event.event_id, event.creator_ik, event.channel, event.title,
             event.description, event.place, event.tz, event.starts_at, event.ends_at,
             int(event.cancelled), event.created, event.created, 0, int(event.reminded)))
        if not cur.rowcount:
            return False
        held = conn.execute(
            "SELECT id, sender_ik, admin, sent_time, seq, payload FROM event_held_updates "
            "WHERE group_id = ? AND event_id = ? ORDER BY sent_time, seq",
            (event.group_id, event.event_id)).fetchall()
        for row_id, sender, admin, sent_time, seq, payload in held:
            change = _unpack(sender, bool(admin), sent_time, seq, payload)
            if change is not None:
                self._apply(event.group_id, event.event_id, change)
            conn.execute("DELETE FROM event_held_updates WHERE id = ?", (row_id,))
        return True

    def _get(self, group_id: bytes, event_id: bytes) -> EventRecord | None:
        row = self._db().execute(f"SELECT {_COLS} FROM events WHERE group_id = ? AND event_id = ?",
                                 (group_id, event_id)).fetchone()
        return None if row is None else _event(row)

    @reads
    def get_event(self, group_id: bytes, event_id: bytes) -> EventRecord | None:
        return self._get(group_id, event_id)

    @writes(durable=False)
    def apply_update(self, group_id: bytes, event_id: bytes, change: EventChange,
                     payload: bytes) -> bool:
        """Apply an update from the creator or an admin; True when the event changed.

        An update whose event is not stored yet is kept (`payload`, its encoded fields) and
        applied with the same check when the event lands.
        """
        if self._get(group_id, event_id) is None:
            self._db().execute(
                "INSERT INTO event_held_updates (group_id, event_id, sender_ik, admin, sent_time, "
                "seq, payload) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (group_id, event_id, change.sender_ik, int(change.admin), change.sent_time,
                 change.seq, payload))
            return False
        return self._apply(group_id, event_id, change)

    def _apply(self, group_id: bytes, event_id: bytes, c: EventChange) -> bool:
        conn = self._db()
        event = self._get(group_id, event_id)
        if event is None or not (c.admin or c.sender_ik == event.creator_ik):
            return False
        changed = False
        if (c.sent_time, c.seq) > (event.updated, event.updated_seq):
            conn.execute(
                "UPDATE events SET title = ?, description = ?, place = ?, tz = ?, starts_at = ?, "
                "ends_at = ?, updated = ?, updated_seq = ?, "
                "reminded = CASE WHEN starts_at = ? THEN reminded ELSE 0 END "
                "WHERE group_id = ? AND event_id = ?",
                (c.title, c.description, c.place, c.tz, c.starts_at, c.ends_at, c.sent_time,
                 c.seq, c.starts_at, group_id, event_id))
            # the timeline row's text is what search finds
            conn.execute("UPDATE posts SET edited = 1, edited_text = ?, edited_time = ? "
                         "WHERE group_id = ? AND msg_id = ? AND kind = 'calendar'",
                         (c.title, c.sent_time, group_id, event_id))
            changed = True
        if c.cancelled and not event.cancelled:
            conn.execute("UPDATE events SET cancelled = 1 WHERE group_id = ? AND event_id = ?",
                         (group_id, event_id))
            changed = True
        return changed

    @reads
    def list_events(self, group_id: bytes | None, since: int, limit: int = 200
                    ) -> list[EventRecord]:
        """Events (of one group, or all) not ended before `since`, soonest first."""
        where = "(ends_at >= ?1 OR starts_at >= ?1 OR (ends_at = 0 AND starts_at >= ?1 - 86400))"
        if group_id is None:
            rows = self._db().execute(
                f"SELECT {_COLS} FROM events WHERE {where} ORDER BY starts_at LIMIT ?2",
                (since, limit))
        else:
            rows = self._db().execute(
                f"SELECT {_COLS} FROM events WHERE {where} AND group_id = ?3 "
                "ORDER BY starts_at LIMIT ?2", (since, limit, group_id))
        return [_event(r) for r in rows]

    # -- RSVPs --------------------------------------------------------------------------------
    @writes(durable=False)
    def set_rsvp(self, group_id: bytes, event_id: bytes, member_ik: bytes, epoch: int,
                 seq: int, answer: int) -> bool:
        """Keep a member's answer if it is newer (their epoch, seq) than the one held."""
        cur = self._db().execute(
            "INSERT INTO event_rsvps (group_id, event_id, member_ik, epoch, seq, answer) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET epoch = excluded.epoch, "
            "seq = excluded.seq, answer = excluded.answer "
            "WHERE (excluded.epoch, excluded.seq) > (event_rsvps.epoch, event_rsvps.seq)",
            (group_id, event_id, member_ik, epoch, seq, answer))
        return cur.rowcount > 0

    @reads
    def rsvps(self, group_id: bytes, event_id: bytes) -> dict[bytes, int]:
        """member -> answer (1 going, 2 maybe, 3 no) of everyone who answered."""
        return dict(self._db().execute(
            "SELECT member_ik, answer FROM event_rsvps WHERE group_id = ? AND event_id = ? "
            "AND answer != 0", (group_id, event_id)).fetchall())

    # -- reminders ----------------------------------------------------------------------------
    @reads
    def due_reminders(self, now: int, lead: int) -> list[EventRecord]:
        """Events starting within `lead` seconds that were not reminded of yet."""
        return [_event(r) for r in self._db().execute(
            f"SELECT {_COLS} FROM events WHERE reminded = 0 AND cancelled = 0 "
            "AND starts_at > ? AND starts_at <= ? ORDER BY starts_at", (now, now + lead))]

    @writes(durable=False)
    def mark_reminded(self, group_id: bytes, event_id: bytes) -> None:
        self._db().execute("UPDATE events SET reminded = 1 WHERE group_id = ? AND event_id = ?",
                           (group_id, event_id))


def _unpack(sender: bytes, admin: bool, sent_time: int, seq: int,
            payload: bytes) -> EventChange | None:
    # The content codec (every payload kind) loads when a held update is first read, not
    # with the store.
    from crypto import DecodeError, EventUpdate, decode_content
    try:
        update = decode_content(payload)
    except DecodeError:
        return None
    if not isinstance(update, EventUpdate):
        return None
    f = update.fields
    return EventChange(sender, admin, sent_time, seq, f.title, f.description, f.place, f.tz,
                       f.starts_at, f.ends_at, update.cancelled)
