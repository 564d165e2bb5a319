"""Poll and event payloads (content kinds 16-23) and the rules every client applies to them.

The bytes are specified in docs/protocol.md ("Polls and events"). Like every content
payload they travel inside a member's signed, encrypted envelope, so the relay sees only
another envelope in the group's mailbox, padded to the same buckets.

    16 PollCreate     a question, 2-12 options, single or multiple choice, optional close time;
                      an anonymous poll carries the creator's one-poll ballot key (X25519)
    17 PollVote       open vote: the chosen options as a bitmap (0 = retract)
    18 PollSealedVote anonymous vote: a sealed box to the ballot key that names the group,
                      the poll and the voter inside, so a copied ballot counts for nobody
    19 PollTally      the creator's running tally of an anonymous poll, signed by the key that
                      sealed the poll (the creator's IK, or the creating device's DK)
    20 PollClose      the creator or an admin closes the poll
    21 EventCreate    title, description, start/end (unix seconds) and IANA time zone, place
    22 EventUpdate    the full new fields (or cancelled) from the creator or an admin
    23 Rsvp           going / maybe / can't (0 takes the answer back)

Rules that need the poll (options, mode, close time) are pure functions here and applied
by every client the same way, whatever order the messages arrived in:
  - a member's ballot is their latest *valid* vote in their own write order (epoch, seq);
  - a vote is valid when it names only existing options, at most one in a single-choice
    poll, and was sent before the poll closed (the earliest close by the creator or an
    admin, or the close time in the poll);
  - a tally counts only when its signature by the key that sealed the poll verifies.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from crypto import labels, sodium
from crypto.encoding import Reader, Writer
from crypto.errors import AuthError, DecodeError
from crypto.payloads import GENERAL, register_encoder, register_kind
from crypto.primitives import Rng

KIND_POLL_CREATE = 16
KIND_POLL_VOTE = 17
KIND_POLL_SEALED_VOTE = 18
KIND_POLL_TALLY = 19
KIND_POLL_CLOSE = 20
KIND_EVENT_CREATE = 21
KIND_EVENT_UPDATE = 22
KIND_RSVP = 23
KINDS = frozenset(range(KIND_POLL_CREATE, KIND_RSVP + 1))
_V1 = 1

ID_LEN = 32            # a poll or event is named by the message id of its creating message
CHANNEL_LEN = 16       # General = 16 zero bytes
GROUP_ID_LEN = 16
KEY_LEN = 32
SIG_LEN = 64

MIN_OPTIONS = 2
MAX_OPTIONS = 12
MAX_QUESTION_BYTES = 500
MAX_OPTION_BYTES = 200
MAX_TITLE_BYTES = 200
MAX_DESCRIPTION_BYTES = 4000
MAX_PLACE_BYTES = 500
MAX_TZ_BYTES = 64
MAX_TIME = (1 << 63) - 1

FLAG_MULTI = 1
FLAG_ANONYMOUS = 2

RSVP_NONE = 0
RSVP_GOING = 1
RSVP_MAYBE = 2
RSVP_NO = 3

SIG_TALLY = labels.SIG_POLL_TALLY
BALLOT_LABEL = labels.BALLOT
BALLOT_LEN = len(BALLOT_LABEL) + GROUP_ID_LEN + ID_LEN + KEY_LEN + 2
BOX_MAC_LEN = 16
SEALED_BALLOT_LEN = KEY_LEN + BOX_MAC_LEN + BALLOT_LEN   # epk ‖ box


# ---- payloads ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PollCreate:
    """A new poll. `ballot_key` (X25519 public) is present exactly when `anonymous`."""

    question: str
    options: tuple[str, ...]
    multi: bool = False
    anonymous: bool = False
    closes_at: int = 0                 # unix seconds; 0 = closed only by hand
    channel: bytes = GENERAL
    ballot_key: bytes | None = None


@dataclass(frozen=True, slots=True)
class PollVote:
    """An open vote: bit i of `choices` = option i (0-based); 0 retracts the vote."""

    poll: bytes
    choices: int


@dataclass(frozen=True, slots=True)
class PollSealedVote:
    """An anonymous vote: `sealed` opens only with the poll's ballot secret."""

    poll: bytes
    sealed: bytes


@dataclass(frozen=True, slots=True)
class PollTally:
    """The creator's count of an anonymous poll; `seq` grows with each tally published."""

    poll: bytes
    seq: int
    closed: bool
    voters: int
    counts: tuple[int, ...]
    signature: bytes = bytes(SIG_LEN)


@dataclass(frozen=True, slots=True)
class PollClose:
    poll: bytes


@dataclass(frozen=True, slots=True)
class EventFields:
    """What an event says; `ends_at` 0 = no end given; `tz` an IANA name ("" = UTC)."""

    title: str
    starts_at: int
    ends_at: int = 0
    tz: str = ""
    description: str = ""
    place: str = ""


@dataclass(frozen=True, slots=True)
class EventCreate:
    fields: EventFields
    channel: bytes = GENERAL


@dataclass(frozen=True, slots=True)
class EventUpdate:
    """The event's full new fields; `cancelled` is final."""

    event: bytes
    fields: EventFields
    cancelled: bool = False


@dataclass(frozen=True, slots=True)
class Rsvp:
    event: bytes
    answer: int


PollContent = (PollCreate | PollVote | PollSealedVote | PollTally | PollClose | EventCreate
               | EventUpdate | Rsvp)
CONTENT_TYPES = (PollCreate, PollVote, PollSealedVote, PollTally, PollClose, EventCreate,
                 EventUpdate, Rsvp)


# ---- checks shared by encoder and decoder ----------------------------------------------------

def _nonblank(value: str, what: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise DecodeError(f"{what} cannot be empty")


def check_poll(p: PollCreate) -> None:
    _nonblank(p.question, "a poll question")
    if not MIN_OPTIONS <= len(p.options) <= MAX_OPTIONS:
        raise DecodeError("a poll has 2 to 12 options")
    for option in p.options:
        _nonblank(option, "a poll option")
    if len(set(p.options)) != len(p.options):
        raise DecodeError("poll options must differ")
    if len(p.channel) != CHANNEL_LEN:
        raise DecodeError("a channel id is 16 bytes")
    if not 0 <= p.closes_at <= MAX_TIME:
        raise DecodeError("a close time is out of range")
    if p.anonymous != (p.ballot_key is not None):
        raise DecodeError("an anonymous poll carries a ballot key, an open one none")
    if p.ballot_key is not None and len(p.ballot_key) != KEY_LEN:
        raise DecodeError("a ballot key is 32 bytes")


def check_event(f: EventFields) -> None:
    _nonblank(f.title, "an event title")
    for value in (f.tz, f.description, f.place):
        if not isinstance(value, str):
            raise DecodeError("event fields are text")
    if not 0 <= f.starts_at <= MAX_TIME or not 0 <= f.ends_at <= MAX_TIME:
        raise DecodeError("an event time is out of range")
    if f.ends_at and f.ends_at < f.starts_at:
        raise DecodeError("an event cannot end before it starts")


def _choices(value: int) -> int:
    if not 0 <= value < (1 << MAX_OPTIONS):
        raise DecodeError("a vote names an option beyond the twelfth")
    return value


# ---- encoding --------------------------------------------------------------------------------

def _write_fields(w: Writer, f: EventFields) -> None:
    check_event(f)
    w.u64(f.starts_at).u64(f.ends_at).text(f.tz, MAX_TZ_BYTES).text(f.title, MAX_TITLE_BYTES)
    w.text(f.description, MAX_DESCRIPTION_BYTES).text(f.place, MAX_PLACE_BYTES)


def encode(content: PollContent) -> bytes:
    """The canonical payload bytes (kind ‖ version ‖ fields)."""
    w = Writer()
    if isinstance(content, PollCreate):
        check_poll(content)
        flags = (FLAG_MULTI if content.multi else 0) | (FLAG_ANONYMOUS if content.anonymous else 0)
        w.u8(KIND_POLL_CREATE).u8(_V1).fixed(content.channel, CHANNEL_LEN).u8(flags)
        w.u64(content.closes_at)
        if content.ballot_key is not None:
            w.fixed(content.ballot_key, KEY_LEN)
        w.text(content.question, MAX_QUESTION_BYTES).u8(len(content.options))
        for option in content.options:
            w.text(option, MAX_OPTION_BYTES)
    elif isinstance(content, PollVote):
        w.u8(KIND_POLL_VOTE).u8(_V1).fixed(content.poll, ID_LEN).u16(_choices(content.choices))
    elif isinstance(content, PollSealedVote):
        w.u8(KIND_POLL_SEALED_VOTE).u8(_V1).fixed(content.poll, ID_LEN)
        w.fixed(content.sealed, SEALED_BALLOT_LEN)
    elif isinstance(content, PollTally):
        w.u8(KIND_POLL_TALLY).u8(_V1).raw(_tally_fields(content)).fixed(content.signature, SIG_LEN)
    elif isinstance(content, PollClose):
        w.u8(KIND_POLL_CLOSE).u8(_V1).fixed(content.poll, ID_LEN)
    elif isinstance(content, EventCreate):
        w.u8(KIND_EVENT_CREATE).u8(_V1).fixed(content.channel, CHANNEL_LEN)
        _write_fields(w, content.fields)
    elif isinstance(content, EventUpdate):
        w.u8(KIND_EVENT_UPDATE).u8(_V1).fixed(content.event, ID_LEN)
        w.u8(1 if content.cancelled else 0)
        _write_fields(w, content.fields)
    elif isinstance(content, Rsvp):
        if content.answer not in (RSVP_NONE, RSVP_GOING, RSVP_MAYBE, RSVP_NO):
            raise DecodeError("an RSVP is none, going, maybe or no")
        w.u8(KIND_RSVP).u8(_V1).fixed(content.event, ID_LEN).u8(content.answer)
    else:
        raise DecodeError("not a poll or event payload")
    return w.bytes()


def _tally_fields(t: PollTally) -> bytes:
    if not 0 < len(t.counts) <= MAX_OPTIONS:
        raise DecodeError("a tally counts 1 to 12 options")
    if any(not 0 <= c <= 0xFFFF for c in t.counts) or not 0 <= t.voters <= 0xFFFF:
        raise DecodeError("a tally count is out of range")
    w = Writer().fixed(t.poll, ID_LEN).u32(t.seq).u8(1 if t.closed else 0).u16(t.voters)
    w.u8(len(t.counts))
    for c in t.counts:
        w.u16(c)
    return w.bytes()


# ---- decoding --------------------------------------------------------------------------------

def _read_fields(r: Reader) -> EventFields:
    starts, ends = r.u64(), r.u64()
    tz = r.text(MAX_TZ_BYTES)
    title = r.text(MAX_TITLE_BYTES)
    description = r.text(MAX_DESCRIPTION_BYTES)
    place = r.text(MAX_PLACE_BYTES)
    fields = EventFields(title, starts, ends, tz, description, place)
    check_event(fields)
    return fields


def decode(kind: int, r: Reader) -> PollContent:
    """The fields after kind ‖ version (v1) of a kind in KINDS; bad bytes raise DecodeError."""
    content: PollContent
    if kind == KIND_POLL_CREATE:
        channel = r.fixed(CHANNEL_LEN)
        flags = r.u8()
        if flags & ~(FLAG_MULTI | FLAG_ANONYMOUS):
            raise DecodeError("unknown poll flags")
        closes_at = r.u64()
        anonymous = bool(flags & FLAG_ANONYMOUS)
        ballot_key = r.fixed(KEY_LEN) if anonymous else None
        question = r.text(MAX_QUESTION_BYTES)
        n = r.u8()
        if not MIN_OPTIONS <= n <= MAX_OPTIONS:
            raise DecodeError("a poll has 2 to 12 options")
        options = tuple(r.text(MAX_OPTION_BYTES) for _ in range(n))
        content = PollCreate(question, options, bool(flags & FLAG_MULTI), anonymous, closes_at,
                             channel, ballot_key)
        check_poll(content)
    elif kind == KIND_POLL_VOTE:
        content = PollVote(r.fixed(ID_LEN), _choices(r.u16()))
    elif kind == KIND_POLL_SEALED_VOTE:
        content = PollSealedVote(r.fixed(ID_LEN), r.fixed(SEALED_BALLOT_LEN))
    elif kind == KIND_POLL_TALLY:
        poll, seq, closed, voters = r.fixed(ID_LEN), r.u32(), r.flag(), r.u16()
        n = r.u8()
        if not 0 < n <= MAX_OPTIONS:
            raise DecodeError("a tally counts 1 to 12 options")
        counts = tuple(r.u16() for _ in range(n))
        content = PollTally(poll, seq, closed, voters, counts, r.fixed(SIG_LEN))
    elif kind == KIND_POLL_CLOSE:
        content = PollClose(r.fixed(ID_LEN))
    elif kind == KIND_EVENT_CREATE:
        channel = r.fixed(CHANNEL_LEN)
        content = EventCreate(_read_fields(r), channel)
    elif kind == KIND_EVENT_UPDATE:
        event, cancelled = r.fixed(ID_LEN), r.flag()
        content = EventUpdate(event, _read_fields(r), cancelled)
    elif kind == KIND_RSVP:
        event, answer = r.fixed(ID_LEN), r.u8()
        if answer not in (RSVP_NONE, RSVP_GOING, RSVP_MAYBE, RSVP_NO):
            raise DecodeError("an RSVP is none, going, maybe or no")
        content = Rsvp(event, answer)
    else:
        raise DecodeError("not a poll or event kind")
    r.done()
    return content


for _kind in sorted(KINDS):   # crypto/kinds.py imports this module to register them
    register_kind(_kind, _V1, lambda r, _k=_kind: decode(_k, r))
for _cls in CONTENT_TYPES:
    register_encoder(_cls, lambda c, w: w.raw(encode(c)))


# ---- anonymous ballots -----------------------------------------------------------------------

def ballot_keypair(rng: Rng) -> tuple[bytes, bytes]:
    """(secret, public) X25519 ballot key for one anonymous poll; `rng(n)` gives bytes."""
    secret = rng(KEY_LEN)
    if not isinstance(secret, bytes) or len(secret) != KEY_LEN:
        raise DecodeError("the random source gave the wrong length")
    return secret, sodium.x25519_base(secret)


def _ballot(group_id: bytes, poll: bytes, voter_ik: bytes, choices: int) -> bytes:
    return (Writer().raw(BALLOT_LABEL).fixed(group_id, GROUP_ID_LEN).fixed(poll, ID_LEN)
            .fixed(voter_ik, KEY_LEN).u16(_choices(choices)).bytes())


def _seal_nonce(epk: bytes, pk: bytes) -> bytes:
    # libsodium's crypto_box_seal nonce: BLAKE2b-192(epk ‖ pk); the box opens with
    # crypto_box_seal_open too. The ephemeral key comes from the caller's rng (crypto/ draws
    # no randomness of its own), so known-answer vectors are reproducible.
    return hashlib.blake2b(epk + pk, digest_size=24).digest()


def seal_vote(group_id: bytes, poll: bytes, ballot_key: bytes, voter_ik: bytes, choices: int,
              rng: Rng) -> PollSealedVote:
    """An anonymous vote only the poll's ballot secret opens; it names the voter inside."""
    esk = rng(KEY_LEN)
    epk = sodium.x25519_base(esk)
    box = sodium.box_easy(esk, ballot_key, _seal_nonce(epk, ballot_key),
                          _ballot(group_id, poll, voter_ik, choices))
    if box is None:
        raise AuthError("the ballot key is not usable")
    return PollSealedVote(poll, epk + box)


def open_vote(group_id: bytes, vote: PollSealedVote, ballot_secret: bytes,
              sender_ik: bytes) -> int:
    """The choices of a sealed vote from `sender_ik`; AuthError if it does not open, names
    another group, poll or voter (a ballot copied from someone else), or is malformed."""
    pk = sodium.x25519_base(ballot_secret)
    epk, box = vote.sealed[:KEY_LEN], vote.sealed[KEY_LEN:]
    plain = sodium.box_open_easy(ballot_secret, epk, _seal_nonce(epk, pk), box)
    if plain is None or len(plain) != BALLOT_LEN:
        raise AuthError("the sealed vote does not open")
    r = Reader(plain)
    if r.fixed(len(BALLOT_LABEL)) != BALLOT_LABEL:
        raise AuthError("the sealed vote is not a ballot")
    if r.fixed(GROUP_ID_LEN) != group_id or r.fixed(ID_LEN) != vote.poll:
        raise AuthError("the sealed vote belongs to another poll")
    if r.fixed(KEY_LEN) != sender_ik:
        raise AuthError("the sealed vote names another voter")
    try:
        return _choices(r.u16())
    except DecodeError as exc:
        raise AuthError("the sealed vote names an option beyond the twelfth") from exc


# ---- tallies ---------------------------------------------------------------------------------

def tally_signed_input(group_id: bytes, tally: PollTally) -> bytes:
    return SIG_TALLY + Writer().fixed(group_id, GROUP_ID_LEN).bytes() + _tally_fields(tally)


def sign_tally(sign: Callable[[bytes], bytes], group_id: bytes, tally: PollTally) -> PollTally:
    """The tally with its signature; `sign` is Identity.sign of the key that sealed the poll
    (the creator's IK from their first device, a linked or restored device's own DK)."""
    signature = sign(tally_signed_input(group_id, tally))
    return PollTally(tally.poll, tally.seq, tally.closed, tally.voters, tally.counts, signature)


def verify_tally(sealing_key: bytes, group_id: bytes, tally: PollTally, options: int) -> None:
    """AuthError unless the key that sealed the poll (the creator's IK, or the DK of the
    device that created it) signed this tally for this group and poll size."""
    if len(tally.counts) != options:
        raise AuthError("the tally does not match the poll's options")
    if not sodium.verify_detached(sealing_key, tally_signed_input(group_id, tally),
                                  tally.signature):
        raise AuthError("the tally's signature does not verify")


# ---- the counting rules ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class CastVote:
    """One vote as received: who, in their own write order (epoch, seq), when, which."""

    voter: bytes
    epoch: int
    seq: int
    sent_at: int
    choices: int


@dataclass(frozen=True, slots=True)
class Count:
    counts: tuple[int, ...]
    voters: int
    ballots: dict[bytes, int]          # voter -> choices of their counted ballot


def cutoff(closes_at: int, closed_at: int | None) -> int | None:
    """The first second at which votes no longer count (None: still open).

    Times are whole seconds: a vote sent in the second the poll was closed by hand still
    counts (a vote and a close in one second are otherwise unordered); at `closes_at` the
    poll is closed.
    """
    ends = [t for t in (closes_at or None, None if closed_at is None else closed_at + 1)
            if t is not None]
    return min(ends) if ends else None


def vote_problem(options: int, multi: bool, choices: int, sent_at: int,
                 ends: int | None) -> str | None:
    """Why a vote does not count, or None when it does (0 = a valid retraction)."""
    if ends is not None and sent_at >= ends:
        return "the poll was closed"
    if choices >> options:
        return "it names an option the poll does not have"
    if not multi and choices & (choices - 1):
        return "the poll takes one choice"
    return None


def count_votes(options: int, multi: bool, ends: int | None,
                votes: Iterable[CastVote]) -> Count:
    """Each voter's latest valid vote by (epoch, seq); invalid votes are as if never sent."""
    latest: dict[bytes, tuple[int, int, int]] = {}
    for v in votes:
        if vote_problem(options, multi, v.choices, v.sent_at, ends) is not None:
            continue
        order = (v.epoch, v.seq)
        held = latest.get(v.voter)
        if held is None or order > held[:2]:
            latest[v.voter] = (v.epoch, v.seq, v.choices)
    ballots = {voter: c for voter, (_e, _s, c) in latest.items() if c}
    return Count(tally_counts(options, ballots.values()), len(ballots), ballots)


def tally_counts(options: int, ballots: Iterable[int]) -> tuple[int, ...]:
    counts = [0] * options
    for choices in ballots:
        i = 0
        while choices:
            if choices & 1:
                counts[i] += 1
            choices >>= 1
            i += 1
    return tuple(counts)
