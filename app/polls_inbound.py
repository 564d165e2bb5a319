"""Poll and event payloads as they arrive: timeline rows, the store rows they change, and
the anonymous polls' tallies this member publishes as their creator.

Inbound (app/inbound.py, through app/inbound_kinds.py) calls three things here: `open_poll`
while opening envelopes (a new poll or event gets a row in the conversation), `apply` on the
store thread with the other changes of the batch, and `finish` (`publish_tallies`) in the
batch's final transaction (the only point where sealing may use the group session: the
opening thread waits there).

Every rule is checked here on receipt, the same way by every member (crypto.polls):
closes and event updates count only from the creator or an admin; votes only for options
that exist, before the close; a sealed vote only when it opens and names its sender; a
tally only with the creator's signature over this group and poll.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import crypto
from app.runtime import Runtime
from app.store import EventChange, EventRecord, NewPost, PollRecord, Store, StoredTally
from crypto import polls as rules

if TYPE_CHECKING:
    from app.inbound_work import GroupWork, Opener


@dataclass(frozen=True)
class Received:
    """A poll or event payload with what the opening side knew: was its sender an admin."""

    ev: crypto.ContentReceived
    admin: bool

    @property
    def content(self) -> rules.PollContent:
        return self.ev.content  # type: ignore[return-value]

    @property
    def target(self) -> bytes | None:
        """The poll or event whose row this changes (None for a new one)."""
        c = self.content
        ref = getattr(c, "poll", None) or getattr(c, "event", None)
        return ref if isinstance(ref, bytes) else None


def received(ev: crypto.ContentReceived, session: crypto.GroupSession) -> Received:
    member = session.sender(ev.sender_ik, ev.epoch)
    return Received(ev, member is not None and member.is_admin)


def timeline_row(gid: bytes, ev: crypto.ContentReceived, name: str, now: int) -> NewPost | None:
    c = ev.content
    if isinstance(c, rules.PollCreate):
        return NewPost(gid, ev.message_id, ev.sender_ik, name, ev.sent_at, now, ev.seq, "poll",
                       c.question, channel_id=c.channel)
    if isinstance(c, rules.EventCreate):
        return NewPost(gid, ev.message_id, ev.sender_ik, name, ev.sent_at, now, ev.seq,
                       "calendar", c.fields.title, channel_id=c.channel)
    return None


def open_poll(rt: Runtime, gw: GroupWork, gid: bytes, ev: crypto.ContentReceived, name: str,
              now: int) -> None:
    """A poll or event payload: a timeline row for a new one, its change for the store."""
    row = timeline_row(gid, ev, name, now)
    if row is not None:
        gw.posts.append(row)
    gw.changes.append((ev.sender_ik, received(ev, gw.session), apply_change))


def apply_change(rt: Runtime, store: Store, gid: bytes, gw: GroupWork, sender: bytes,
                 r: Received) -> None:
    apply(store, gid, sender, r)


def poll_record(gid: bytes, poll_id: bytes, creator: bytes, c: rules.PollCreate, sent_at: int,
                ballot_secret: bytes | None = None,
                device_pk: bytes | None = None) -> PollRecord:
    """`device_pk`: the device key that sealed the poll (None or b"": the creator's IK)."""
    return PollRecord(gid, poll_id, creator, c.channel, c.question, c.options, c.multi,
                      c.anonymous, c.closes_at, sent_at, c.ballot_key, ballot_secret,
                      creator_device=device_pk or None)


def event_record(gid: bytes, event_id: bytes, creator: bytes, c: rules.EventCreate,
                 sent_at: int) -> EventRecord:
    f = c.fields
    return EventRecord(gid, event_id, creator, c.channel, f.title, f.description, f.place, f.tz,
                       f.starts_at, f.ends_at, False, sent_at)


def event_change(sender: bytes, admin: bool, sent_at: int, seq: int,
                 c: rules.EventUpdate) -> EventChange:
    f = c.fields
    return EventChange(sender, admin, sent_at, seq, f.title, f.description, f.place, f.tz,
                       f.starts_at, f.ends_at, c.cancelled)


def apply(store: Store, gid: bytes, sender: bytes, r: Received) -> None:
    """Store what one payload changes (on the store thread, inside the batch's write)."""
    c, ev = r.content, r.ev
    if isinstance(c, rules.PollCreate):
        store.polls.add_poll(poll_record(gid, ev.message_id, sender, c, ev.sent_at,
                                         device_pk=ev.device_pk))
        for tally_sender, device, payload in store.polls.take_held_tallies(gid, ev.message_id):
            tally = crypto.decode_content(payload)
            if isinstance(tally, rules.PollTally):
                accept_tally(store, gid, tally_sender, device, tally)
    elif isinstance(c, rules.PollVote):
        store.polls.add_vote(gid, c.poll, rules.CastVote(sender, ev.epoch, ev.seq, ev.sent_at,
                                                         c.choices))
    elif isinstance(c, rules.PollSealedVote):
        poll = store.polls.get_poll(gid, c.poll)
        if poll is None or poll.ballot_secret is None:
            return   # not my poll: only its creator can open the ballot
        try:
            choices = rules.open_vote(gid, c, poll.ballot_secret, sender)
        except crypto.CryptoError:
            return   # does not open, or copied from another voter: not counted
        store.polls.add_vote(gid, c.poll, rules.CastVote(sender, ev.epoch, ev.seq, ev.sent_at,
                                                         choices))
    elif isinstance(c, rules.PollTally):
        if store.polls.get_poll(gid, c.poll) is None:
            store.polls.hold_tally(gid, c.poll, sender, ev.device_pk or None,
                                   crypto.encode_content(c))
        else:
            accept_tally(store, gid, sender, ev.device_pk or None, c)
    elif isinstance(c, rules.PollClose):
        store.polls.add_close(gid, c.poll, sender, r.admin, ev.sent_at)
    elif isinstance(c, rules.EventCreate):
        store.events.add_event(event_record(gid, ev.message_id, sender, c, ev.sent_at))
    elif isinstance(c, rules.EventUpdate):
        store.events.apply_update(gid, c.event, event_change(sender, r.admin, ev.sent_at, ev.seq, c),
                                  crypto.encode_content(c))
    elif isinstance(c, rules.Rsvp):
        store.events.set_rsvp(gid, c.event, sender, ev.epoch, ev.seq, c.answer)


def accept_tally(store: Store, gid: bytes, sender: bytes, device_pk: bytes | None,
                 tally: rules.PollTally) -> bool:
    """Keep a tally only when the key that sealed the poll sealed it too (the creator's IK,
    or the same device of theirs: `device_pk`, None for the IK) and signed it."""
    poll = store.polls.get_poll(gid, tally.poll)
    if poll is None or not poll.anonymous or sender != poll.creator_ik:
        return False
    if (device_pk or None) != poll.creator_device:
        return False   # another device of the creator (or their IK for a device's poll)
    try:
        rules.verify_tally(poll.sealing_key, gid, tally, len(poll.options))
    except crypto.CryptoError:
        return False
    return store.polls.set_tally(gid, tally.poll, StoredTally(tally.seq, tally.closed,
                                                              tally.voters, tally.counts))


def due_tallies(store: Store, gid: bytes, now: int, sign: Callable[[bytes], bytes],
                key: bytes | None = None) -> list[rules.PollTally]:
    """Signed tallies of my anonymous polls whose ballots changed since the last one.

    `key` is this device's sealing key (its Identity.ik): only polls it sealed are tallied,
    as only their tallies verify with it (None: every poll whose ballot secret is here)."""
    out = []
    for poll in store.polls.list_polls(gid, mine_anonymous=True):
        if key is not None and poll.sealing_key != key:
            continue
        ballots = store.polls.ballots(gid, poll.poll_id)
        counts = rules.tally_counts(len(poll.options), ballots.values())
        closed = poll.is_closed(now)
        held = poll.tally
        if held is not None and (held.counts, held.voters, held.closed) == (
                counts, len(ballots), closed):
            continue
        seq = (held.seq + 1) if held is not None else 1
        out.append(rules.sign_tally(sign, gid, rules.PollTally(
            poll.poll_id, seq, closed, len(ballots), counts)))
    return out


def publish_tallies(rt: Runtime, store: Store, gid: bytes,
                    session: crypto.GroupSession) -> list[crypto.Outgoing]:
    """Seal the due tallies (inside the caller's transaction, under rt.lock) and keep them
    as this member's own; the caller enqueues the envelopes."""
    if session.status == "removed":
        return []
    outgoing = []
    for tally in due_tallies(store, gid, rt.now(), rt.identity.sign, rt.identity.ik):
        sealed = session.seal(tally, rt.now(), rt.rng)
        store.polls.set_tally(gid, tally.poll, StoredTally(tally.seq, tally.closed, tally.voters,
                                                           tally.counts))
        outgoing.append(sealed.outgoing)
    return outgoing


OPENERS: dict[type, Opener] = dict.fromkeys(rules.CONTENT_TYPES, open_poll)


def finish(rt: Runtime, store: Store, gid: bytes, gw: GroupWork) -> None:
    """My anonymous polls' tallies, sealed again when their ballots changed."""
    gw.outgoing += publish_tallies(rt, store, gid, gw.session)
