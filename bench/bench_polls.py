"""Polls: the cost of one incoming vote, with its ceiling measured in the same run.

- poll_tally_update_ms_150: a poll with 150 voters who keep changing their votes (1,500
  votes, round-robin, each a different choice). Per vote: what a client does when a vote
  arrives — `store.polls.add_vote` (kept, checked against the poll's options and close,
  the voter's ballot updated in its own transaction) — then the poll's results read back
  (`store.polls.ballots` + counting). Target ≤ 1 ms per vote. Ceiling: the same statements
  (insert the vote, upsert the ballot, select the ballots, count) on plain sqlite3 with the
  same tables and pragmas, without the store's thread hop, checks or encryption.

The figure is the median per vote (p99 in the note); the databases are built in this run
in a fresh temp directory.
"""
from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from pathlib import Path

from app.store import GroupRecord, PollRecord, Store
from bench.common import Row, latency_row, median, percentile
from crypto.polls import CastVote, tally_counts

GROUP = b"\x20" * 16
POLL = b"\x21" * 32
VOTERS = 150
ROUNDS = 10
OPTIONS = ("Ridge", "Lake", "Forest", "Moor")

_TABLES = """
CREATE TABLE poll_votes (group_id BLOB NOT NULL, poll_id BLOB NOT NULL, voter_ik BLOB NOT NULL,
    epoch INTEGER NOT NULL, seq INTEGER NOT NULL, sent_time INTEGER NOT NULL,
    choices INTEGER NOT NULL, PRIMARY KEY (group_id, poll_id, voter_ik, epoch, seq)) WITHOUT ROWID;
CREATE TABLE poll_ballots (group_id BLOB NOT NULL, poll_id BLOB NOT NULL,
    voter_ik BLOB NOT NULL, epoch INTEGER NOT NULL, seq INTEGER NOT NULL,
    choices INTEGER NOT NULL, PRIMARY KEY (group_id, poll_id, voter_ik)) WITHOUT ROWID;
"""


def _votes() -> list[CastVote]:
    voters = [bytes([v % 256, v // 256]) * 16 for v in range(VOTERS)]
    return [CastVote(voters[i % VOTERS], 0, 1 + i // VOTERS, 1_000 + i,
                     1 << ((i + i // VOTERS) % len(OPTIONS)))
            for i in range(VOTERS * ROUNDS)]


def _ours(root: Path, votes: list[CastVote]) -> list[float]:
    store = Store.open(root / "ours", os.urandom(32))
    try:
        store.groups.add_group(GroupRecord(id=GROUP, name="Bench", relay_url="http://r",
                                           my_role="member", state=b"\x00", created=1,
                                           last_activity=1))
        store.polls.add_poll(PollRecord(GROUP, POLL, b"c" * 32, bytes(16), "Where?", OPTIONS,
                                        False, False, 0, 1))
        samples = []
        for v in votes:
            start = time.perf_counter()
            store.polls.add_vote(GROUP, POLL, v)
            tally_counts(len(OPTIONS), store.polls.ballots(GROUP, POLL).values())
            samples.append((time.perf_counter() - start) * 1000)
        assert store.polls.recount_check(GROUP, POLL) == tally_counts(
            len(OPTIONS), store.polls.ballots(GROUP, POLL).values())
        return samples
    finally:
        store.close()


def _plain(root: Path, votes: list[CastVote]) -> list[float]:
    conn = sqlite3.connect(str(root / "plain.db"), isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.executescript(_TABLES)
    samples = []
    for v in votes:
        start = time.perf_counter()
        conn.execute("BEGIN")
        conn.execute("INSERT INTO poll_votes VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                     (GROUP, POLL, v.voter, v.epoch, v.seq, v.sent_at, v.choices))
        conn.execute(
            "INSERT INTO poll_ballots VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
            "epoch = excluded.epoch, seq = excluded.seq, choices = excluded.choices "
            "WHERE (excluded.epoch, excluded.seq) > (poll_ballots.epoch, poll_ballots.seq)",
            (GROUP, POLL, v.voter, v.epoch, v.seq, v.choices))
        conn.execute("COMMIT")
        ballots = [r[0] for r in conn.execute(
            "SELECT choices FROM poll_ballots WHERE group_id = ? AND poll_id = ? AND choices != 0",
            (GROUP, POLL))]
        tally_counts(len(OPTIONS), ballots)
        samples.append((time.perf_counter() - start) * 1000)
    conn.close()
    return samples


def run() -> list[Row]:
    votes = _votes()
    with tempfile.TemporaryDirectory(prefix="coterie-bench-polls-") as tmp:
        root = Path(tmp)
        ours = _ours(root, votes)
        plain = _plain(root, votes)
    return [latency_row("poll_tally_update_ms_150", median(ours), median(plain), "ms/vote",
                        f"p99 {percentile(ours, 99):.3f} ms (plain sqlite3 p99 "
                        f"{percentile(plain, 99):.3f}); 150 voters x 10 changes; target <= 1 ms")]


if __name__ == "__main__":
    for row in run():
        print(row)
