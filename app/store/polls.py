"""Polls: the poll as written, every vote received, each voter's counted ballot, closes and
the anonymous polls' tallies.

Votes are kept as received (a vote may arrive before its poll, or before a close that makes
it too late); the ballots table holds each voter's latest valid vote and is what results
are read from. A vote that is newer than the voter's ballot and valid updates it in place;
anything that can change which votes are valid (the poll landing, a close) recounts the
poll from its votes with crypto.polls.count_votes, the same rule every client applies.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

from app.store.core import StorePart, reads, writes

if TYPE_CHECKING:
    from crypto.polls import CastVote


def _rules() -> ModuleType:
    """crypto.polls (the vote rules), loaded with the first poll a command touches rather
    than with the store: a command that reads no poll never loads every payload kind."""
    from crypto import polls
    return polls


@dataclass(frozen=True)
class StoredTally:
    seq: int
    closed: bool
    voters: int
    counts: tuple[int, ...]


@dataclass(frozen=True)
class PollRecord:
    group_id: bytes
    poll_id: bytes
    creator_ik: bytes
    channel: bytes
    question: str
    options: tuple[str, ...]
    multi: bool
    anonymous: bool
    closes_at: int                 # 0: closed only by hand
    created: int
    ballot_key: bytes | None = None
    ballot_secret: bytes | None = None   # the creator's device only
    tally: StoredTally | None = None
    closed_at: int | None = None   # sent time of the earliest valid close
    # the device key that sealed the poll (a linked or restored device); None: the creator's IK
    creator_device: bytes | None = None

    @property
    def sealing_key(self) -> bytes:
        """The key that sealed the poll; its tallies are signed by it (protocol §5.3.2)."""
        return self.creator_device or self.creator_ik

    @property
    def ends(self) -> int | None:
        """The first second at which votes no longer count (None: open)."""
        return _rules().cutoff(self.closes_at, self.closed_at)

    def is_closed(self, now: int) -> bool:
        return self.closed_at is not None or (self.closes_at != 0 and now >= self.closes_at)


_COLS = ("group_id, poll_id, creator_ik, channel, question, options, multi, anonymous, "
         "closes_at, created, ballot_key, ballot_secret, tally_seq, tally_closed, tally_voters, "
         "tally_counts, creator_device")


class PollTables(StorePart):
    """Polls, votes, ballots, closes and tallies."""

    # -- polls --------------------------------------------------------------------------------
    @writes(durable=False)
    def add_poll(self, poll: PollRecord) -> bool:
        """Store a poll (once); votes and closes that came first are counted now."""
        cur = self._db().execute(
            f"INSERT INTO polls ({_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, "
            "NULL, NULL, ?) ON CONFLICT DO NOTHING",
            (poll.group_id, poll.poll_id, poll.creator_ik, poll.channel, poll.question,
             json.dumps(list(poll.options)), int(poll.multi), int(poll.anonymous),
             poll.closes_at, poll.created, poll.ballot_key, poll.ballot_secret,
             poll.creator_device))
        if cur.rowcount:
            self._recount(poll.group_id, poll.poll_id)
        return cur.rowcount > 0

    def _poll(self, group_id: bytes, poll_id: bytes) -> PollRecord | None:
        conn = self._db()
        row = conn.execute(f"SELECT {_COLS} FROM polls WHERE group_id = ? AND poll_id = ?",
                           (group_id, poll_id)).fetchone()
        if row is None:
            return None
        closed_at = conn.execute(
            "SELECT min(sent_time) FROM poll_closes WHERE group_id = ? AND poll_id = ? "
            "AND (admin = 1 OR closer_ik = ?)", (group_id, poll_id, row[2])).fetchone()[0]
        tally = None
        if row[12] is not None:
            tally = StoredTally(row[12], bool(row[13]), row[14], tuple(json.loads(row[15])))
        return PollRecord(row[0], row[1], row[2], row[3], row[4], tuple(json.loads(row[5])),
                          bool(row[6]), bool(row[7]), row[8], row[9], row[10], row[11], tally,
                          closed_at, row[16])

    @reads
    def get_poll(self, group_id: bytes, poll_id: bytes) -> PollRecord | None:
        return self._poll(group_id, poll_id)

    @reads
    def list_polls(self, group_id: bytes, mine_anonymous: bool = False) -> list[PollRecord]:
        """The group's polls, oldest first; with `mine_anonymous` only the anonymous polls
        this device created (it holds their ballot secret), which owe tallies."""
        where = " AND ballot_secret IS NOT NULL" if mine_anonymous else ""
        ids = [r[0] for r in self._db().execute(
            f"SELECT poll_id FROM polls WHERE group_id = ?{where} ORDER BY created", (group_id,))]
        return [p for p in (self._poll(group_id, i) for i in ids) if p is not None]

    # -- votes --------------------------------------------------------------------------------
    @writes(durable=False)
    def add_vote(self, group_id: bytes, poll_id: bytes, vote: CastVote) -> bool:
        """Keep a vote; True when it changed the voter's counted ballot."""
        conn = self._db()
        cur = conn.execute(
            "INSERT INTO poll_votes (group_id, poll_id, voter_ik, epoch, seq, sent_time, choices) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (group_id, poll_id, vote.voter, vote.epoch, vote.seq, vote.sent_at, vote.choices))
        if not cur.rowcount:
            return False
        poll = self._poll(group_id, poll_id)
        if poll is None:
            return False
        if _rules().vote_problem(len(poll.options), poll.multi, vote.choices, vote.sent_at,
                                 poll.ends) is not None:
            return False
        cur = conn.execute(
            "INSERT INTO poll_ballots (group_id, poll_id, voter_ik, epoch, seq, choices) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET epoch = excluded.epoch, "
            "seq = excluded.seq, choices = excluded.choices "
            "WHERE (excluded.epoch, excluded.seq) > (poll_ballots.epoch, poll_ballots.seq)",
            (group_id, poll_id, vote.voter, vote.epoch, vote.seq, vote.choices))
        return cur.rowcount > 0

    @reads
    def ballots(self, group_id: bytes, poll_id: bytes) -> dict[bytes, int]:
        """voter -> chosen options (bitmap) of every counted, non-empty ballot."""
        return dict(self._db().execute(
            "SELECT voter_ik, choices FROM poll_ballots WHERE group_id = ? AND poll_id = ? "
            "AND choices != 0", (group_id, poll_id)).fetchall())

    def _recount(self, group_id: bytes, poll_id: bytes) -> None:
        poll = self._poll(group_id, poll_id)
        if poll is None:
            return
        conn = self._db()
        votes = [_rules().CastVote(*r) for r in conn.execute(
            "SELECT voter_ik, epoch, seq, sent_time, choices FROM poll_votes "
            "WHERE group_id = ? AND poll_id = ?", (group_id, poll_id))]
        latest: dict[bytes, CastVote] = {}
        for v in votes:   # each voter's latest valid vote, retractions included
            if _rules().vote_problem(len(poll.options), poll.multi, v.choices, v.sent_at,
                                     poll.ends) is None:
                held = latest.get(v.voter)
                if held is None or (v.epoch, v.seq) > (held.epoch, held.seq):
                    latest[v.voter] = v
        conn.execute("DELETE FROM poll_ballots WHERE group_id = ? AND poll_id = ?",
                     (group_id, poll_id))
        conn.executemany(
            "INSERT INTO poll_ballots (group_id, poll_id, voter_ik, epoch, seq, choices) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(group_id, poll_id, v.voter, v.epoch, v.seq, v.choices) for v in latest.values()])

    @reads
    def recount_check(self, group_id: bytes, poll_id: bytes) -> tuple[int, ...]:
        """The counts recomputed from every vote (tests compare them with the ballots)."""
        poll = self._poll(group_id, poll_id)
        if poll is None:
            return ()
        votes = [_rules().CastVote(*r) for r in self._db().execute(
            "SELECT voter_ik, epoch, seq, sent_time, choices FROM poll_votes "
            "WHERE group_id = ? AND poll_id = ?", (group_id, poll_id))]
        return _rules().count_votes(len(poll.options), poll.multi, poll.ends, votes).counts

    # -- closing ------------------------------------------------------------------------------
    @writes(durable=False)
    def add_close(self, group_id: bytes, poll_id: bytes, closer_ik: bytes, admin: bool,
                  sent_time: int) -> bool:
        """Keep a close (the caller checked `admin`); True when it closed the poll earlier."""
        before = self._poll(group_id, poll_id)
        self._db().execute(
            "INSERT INTO poll_closes (group_id, poll_id, closer_ik, admin, sent_time) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (group_id, poll_id, closer_ik, int(admin), sent_time))
        after = self._poll(group_id, poll_id)
        if before is None or after is None or after.closed_at == before.closed_at:
            return False
        self._recount(group_id, poll_id)
        return True

    # -- tallies of anonymous polls ------------------------------------------------------------
    @writes(durable=False)
    def set_tally(self, group_id: bytes, poll_id: bytes, tally: StoredTally) -> bool:
        """Keep a verified tally if it is newer than the one held."""
        cur = self._db().execute(
            "UPDATE polls SET tally_seq = ?, tally_closed = ?, tally_voters = ?, tally_counts = ? "
            "WHERE group_id = ? AND poll_id = ? AND (tally_seq IS NULL OR tally_seq < ?)",
            (tally.seq, int(tally.closed), tally.voters, json.dumps(list(tally.counts)),
             group_id, poll_id, tally.seq))
        return cur.rowcount > 0

    @writes(durable=False)
    def hold_tally(self, group_id: bytes, poll_id: bytes, sender_ik: bytes,
                   device_pk: bytes | None, payload: bytes) -> None:
        """Keep a tally until its poll lands, with the device key that sealed it (None: the
        sender's IK)."""
        self._db().execute(
            "INSERT INTO poll_held_tallies (group_id, poll_id, sender_ik, payload, device_pk) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (group_id, poll_id, sender_ik, payload, device_pk or None))

    @writes(durable=False)
    def take_held_tallies(self, group_id: bytes,
                          poll_id: bytes) -> list[tuple[bytes, bytes | None, bytes]]:
        """(sender, sealing device key or None, payload) of tallies that waited for this
        poll; they leave the table."""
        conn = self._db()
        rows = conn.execute("SELECT sender_ik, device_pk, payload FROM poll_held_tallies "
                            "WHERE group_id = ? AND poll_id = ?", (group_id, poll_id)).fetchall()
        conn.execute("DELETE FROM poll_held_tallies WHERE group_id = ? AND poll_id = ?",
                     (group_id, poll_id))
        return [(r[0], r[1], r[2]) for r in rows]
