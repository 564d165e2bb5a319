"""Polls: `Services.polls` — create, vote (change, retract), close, show.

A poll is a row in the conversation (its question is what search finds) and its own rows
in the store (app/store/polls.py). Open polls: every vote is signed by its voter and
everyone counts the same ballots (crypto.polls). Anonymous polls: each vote is sealed to
the creator's one-poll ballot key; the creating device counts them and publishes a tally
signed by the key that sealed the poll (the creator's identity key, or a linked or restored
device's own key), which everyone else shows.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import crypto
from app import polls_inbound
from app.access import Access
from app.channel_refs import resolve_channel
from app.errors import InvalidInput, NotAllowed, NotFound
from app.governance import announces
from app.i18n import _
from app.polls_views import ANONYMOUS_NOTE, OptionView, PollView
from app.render import FORMER_MEMBER, hexid
from app.runtime import Runtime
from app.sending import Local, active, msg_id, seal_all
from app.store import NewPost, PollRecord, Store
from crypto import polls as rules

MAX_CLOSE_SECONDS = 366 * 86400


def channel_id(rt: Runtime, gid: bytes, ref: str | None) -> bytes:
    """The channel a poll or event goes to: General unless named by its id or unique name
    (app.channel_refs, as for posts); archived channels and, for members, announcements
    channels take none."""
    text = (ref or "").strip()
    if not text:
        return rules.GENERAL
    channel = resolve_channel(rt.store, gid, text)
    if channel.archived:
        raise NotAllowed(_("The channel '{name}' is archived; it takes nothing new.").format(
            name=channel.name))
    if channel.kind == "announcements" and not announces(rt.session(gid)):
        raise NotAllowed(_("Only admins and moderators post in '{name}'.").format(
            name=channel.name))
    return channel.id


def seal(rt: Runtime, gid: bytes, session: crypto.GroupSession,
         items: Sequence[tuple[Any, Local | None]], shown: bytes | None = None,
         tallies: bool = False) -> list[crypto.Sealed]:
    """Seal payloads and commit them with their local effects (app.sending.seal_all).

    `shown` names the row the change alters (a vote alters its poll's row); `tallies`
    also publishes the tallies my own anonymous polls now owe, in the same transaction.
    """
    more = (lambda store: polls_inbound.publish_tallies(rt, store, gid, session)) \
        if tallies else None
    return seal_all(rt, gid, session, items, shown, more, forget_on_refusal=True)


def resolve_item(rt: Runtime, gid: bytes, ref: str, missing: str) -> bytes:
    """A poll or event id from its hex id or a unique prefix (6+ characters)."""
    return msg_id(rt, gid, ref, missing,
                  _("Several items start with '{ref}'; give more of the id."))


class PollService:
    """Polls in a group's conversation."""

    def __init__(self, access: Access) -> None:
        self._access = access

    def _poll(self, rt: Runtime, gid: bytes, ref: str) -> PollRecord:
        missing = _("There is no poll '{ref}' in this group.").format(ref=ref)
        poll = rt.store.polls.get_poll(gid, resolve_item(rt, gid, ref, missing))
        if poll is None:
            raise NotFound(missing)
        return poll

    # -- writing ------------------------------------------------------------------------------
    def create(self, group: str, question: str, options: Sequence[str], *, multi: bool = False,
               anonymous: bool = False, closes_in: int | None = None,
               channel: str | None = None) -> PollView:
        """A new poll; `closes_in` seconds from now (None: closed by hand)."""
        rt = self._access.runtime()
        question = (question or "").strip()
        opts = tuple((o or "").strip() for o in options)
        if not question:
            raise InvalidInput(_("A poll needs a question."))
        if len(question.encode()) > rules.MAX_QUESTION_BYTES:
            raise InvalidInput(_("That question is too long; the limit is 500 bytes."))
        if not rules.MIN_OPTIONS <= len(opts) <= rules.MAX_OPTIONS:
            raise InvalidInput(_("A poll needs 2 to 12 options."))
        if any(not o for o in opts):
            raise InvalidInput(_("A poll option cannot be empty."))
        if any(len(o.encode()) > rules.MAX_OPTION_BYTES for o in opts):
            raise InvalidInput(_("That option is too long; the limit is 200 bytes."))
        if len(set(opts)) != len(opts):
            raise InvalidInput(_("Two options of a poll cannot be the same."))
        if closes_in is not None and not 60 <= closes_in <= MAX_CLOSE_SECONDS:
            raise InvalidInput(_("A poll closes between a minute and a year from now."))
        gid, session = active(rt, group)
        chan = channel_id(rt, gid, channel)
        secret, key = rules.ballot_keypair(rt.rng) if anonymous else (None, None)
        closes_at = rt.now() + closes_in if closes_in else 0
        content = rules.PollCreate(question, opts, multi, anonymous, closes_at, chan, key)
        name = rt.sender_name(session, rt.me)

        def local(store: Store, sealed: crypto.Sealed) -> None:
            store.posts.insert_posts([NewPost(gid, sealed.message_id, rt.me, name,
                                              sealed.sent_at, sealed.sent_at, sealed.seq, "poll",
                                              question, None, None, True, chan)])
            # the tally is signed by the key that sealed the poll: this device's own key
            # on a linked or restored device (protocol §5.3.2)
            device = rt.identity.ik if rt.linked_device else None
            store.polls.add_poll(polls_inbound.poll_record(gid, sealed.message_id,
                                                           rt.me, content,
                                                           sealed.sent_at, secret, device))

        [sealed] = seal(rt, gid, session, [(content, local)])
        return self.get(gid.hex(), sealed.message_id.hex())

    def vote(self, group: str, poll_ref: str, choices: Sequence[str]) -> PollView:
        """Vote (or change my vote) for options by 1-based number or exact text."""
        rt = self._access.runtime()
        gid, session = active(rt, group)
        poll = self._poll(rt, gid, poll_ref)
        if not choices:
            raise InvalidInput(_("Choose at least one option (or retract your vote)."))
        bits = 0
        for choice in choices:
            bits |= 1 << self._option(poll, choice)
        if not poll.multi and bits & (bits - 1):
            raise InvalidInput(_("This poll takes one choice."))
        return self._cast(rt, gid, session, poll, bits)

    def retract(self, group: str, poll_ref: str) -> PollView:
        rt = self._access.runtime()
        gid, session = active(rt, group)
        return self._cast(rt, gid, session, self._poll(rt, gid, poll_ref), 0)

    @staticmethod
    def _option(poll: PollRecord, choice: str) -> int:
        text = (choice or "").strip()
        if text in poll.options:
            return poll.options.index(text)
        if text.isascii() and text.isdigit() and len(text) <= 3:
            n = int(text)
            if 1 <= n <= len(poll.options):
                return n - 1
            raise InvalidInput(_("This poll has options 1 to {count}; there is no option "
                                 "{n}.").format(count=len(poll.options), n=n))
        raise InvalidInput(_("This poll has no option '{text}'.").format(text=text))

    def _cast(self, rt: Runtime, gid: bytes, session: crypto.GroupSession, poll: PollRecord,
              bits: int) -> PollView:
        now = rt.now()
        if poll.is_closed(now):
            raise NotAllowed(_("This poll is closed."))
        me = rt.me
        if poll.anonymous:
            assert poll.ballot_key is not None
            content: Any = rules.seal_vote(gid, poll.poll_id, poll.ballot_key, me, bits, rt.rng)
        else:
            content = rules.PollVote(poll.poll_id, bits)

        def local(store: Store, sealed: crypto.Sealed) -> None:
            # the creator of an anonymous poll counts their own ballot; others keep it too
            # (it shows their "you voted" state; only the creator's copy is counted)
            store.polls.add_vote(gid, poll.poll_id, rules.CastVote(
                me, sealed.epoch, sealed.seq, sealed.sent_at, bits))

        seal(rt, gid, session, [(content, local)], poll.poll_id, tallies=poll.anonymous)
        return self.get(gid.hex(), poll.poll_id.hex())

    def close(self, group: str, poll_ref: str) -> PollView:
        """Close a poll (its creator or an admin); votes sent afterwards do not count."""
        rt = self._access.runtime()
        gid, session = active(rt, group)
        poll = self._poll(rt, gid, poll_ref)
        me = rt.me
        if poll.creator_ik != me and not session.is_admin:
            raise NotAllowed(_("Only the poll's creator or an admin can close it."))
        if poll.is_closed(rt.now()):
            raise NotAllowed(_("This poll is already closed."))
        admin = session.is_admin

        def local(store: Store, sealed: crypto.Sealed) -> None:
            store.polls.add_close(gid, poll.poll_id, me, admin, sealed.sent_at)

        seal(rt, gid, session, [(rules.PollClose(poll.poll_id), local)], poll.poll_id,
             tallies=poll.anonymous)
        return self.get(gid.hex(), poll.poll_id.hex())

    # -- reading ------------------------------------------------------------------------------
    def get(self, group: str, poll_ref: str) -> PollView:
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        return self._view(rt, gid, self._poll(rt, gid, poll_ref))

    def list(self, group: str) -> list[PollView]:
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        return [self._view(rt, gid, p) for p in rt.store.polls.list_polls(gid)]

    def _view(self, rt: Runtime, gid: bytes, poll: PollRecord) -> PollView:
        return poll_view(rt, gid, poll)


def poll_view(rt: Runtime, gid: bytes, poll: PollRecord) -> PollView:
    """What a poll shows this member now (results as their client counts or receives them)."""
    members = {m.ik: m for m in rt.store.groups.list_members(gid)}
    me = rt.me

    def name(ik: bytes) -> str:
        m = members.get(ik)
        return m.display_name if m is not None else _(FORMER_MEMBER)

    ballots = rt.store.polls.ballots(gid, poll.poll_id)
    mine_bits = ballots.get(me, 0)
    n = len(poll.options)
    now = rt.now()
    closed = poll.is_closed(now)
    tally_seq = 0
    if poll.anonymous and poll.ballot_secret is None:
        # others see the creator's signed totals, and only their own choice
        t = poll.tally
        counts = t.counts if t is not None else (0,) * n
        voters = t.voters if t is not None else 0
        closed = closed or bool(t and t.closed)
        tally_seq = t.seq if t is not None else 0
        per_option: list[tuple[str, ...]] = [()] * n
    else:
        counts = rules.tally_counts(n, ballots.values())
        voters = len(ballots)
        per_option = [tuple(sorted(name(v) for v, b in ballots.items() if b >> i & 1))
                      for i in range(n)]
        if poll.anonymous:   # the creator's own count: they see who voted
            tally_seq = poll.tally.seq if poll.tally is not None else 0
    session = rt.session(gid)
    is_admin = session.is_admin
    creator = members.get(poll.creator_ik)
    options = tuple(OptionView(text, counts[i], per_option[i], bool(mine_bits >> i & 1))
                    for i, text in enumerate(poll.options))
    return PollView(
        id=hexid(poll.poll_id), group_id=hexid(gid), channel=hexid(poll.channel),
        question=poll.question, options=options, multi=poll.multi, anonymous=poll.anonymous,
        creator_name=creator.display_name if creator else _(FORMER_MEMBER),
        creator_fingerprint=crypto.fingerprint(poll.creator_ik), created_at=poll.created,
        closes_at=poll.closes_at, closed=closed, voters=voters, i_voted=bool(mine_bits),
        mine=poll.creator_ik == me,
        can_close=not closed and (poll.creator_ik == me or is_admin),
        note=_(ANONYMOUS_NOTE) if poll.anonymous else "", tally_seq=tally_seq)
