"""What one PostgreSQL writer remembers of the mailbox rows it committed.

A writer (one group-commit lane, relay/writer.py) owns the mailboxes whose appends are
routed to it, so the row it last committed for a mailbox is usually still the row in the
database. Its next batch plans cursors from that memory and sends the row check, the
messages and COMMIT in one round trip (relay/pg_batch.py), instead of reading the locked
rows first. The memory is only a guess: the write succeeds for a mailbox only where the
database row still holds the remembered values, so a row another instance (or a prune)
changed meanwhile is found out by the database, and that mailbox's appends go again
through the read-then-write path.

A mailbox whose guess missed is doubted: it is planned from memory again only after a
batch that read its row found it as remembered, i.e. nobody else wrote it in between.
Mailboxes that two instances append to all the time therefore stay on the read-then-write
path instead of paying a missed write each time.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

MAX_REMEMBERED = 65_536     # mailboxes per writer; beyond that it starts afresh


@dataclass(slots=True)
class MailboxRow:
    """The columns of a mailbox row a batch reads and writes back."""

    id: int
    closed_at: int | None
    expires_at: int
    last: int
    count: int
    size: int
    touched: int | None = None      # set: the row must be written back

    def copy(self) -> MailboxRow:
        """A copy with nothing to write back (dataclasses.replace costs several times
        more, and a batch copies every row it plans from)."""
        return MailboxRow(self.id, self.closed_at, self.expires_at, self.last, self.count,
                          self.size)

    def same(self, other: MailboxRow) -> bool:
        """True when `other` is this row with the values a plan depends on unchanged."""
        return (self.id, self.closed_at, self.last, self.count, self.size) == (
            other.id, other.closed_at, other.last, other.count, other.size)


class LaneRows:
    """The mailbox rows one writer committed last (one instance per writer thread)."""

    def __init__(self) -> None:
        self._rows: dict[bytes, MailboxRow] = {}
        self._doubted: set[bytes] = set()
        self.pending: dict[bytes, MailboxRow] = {}   # as the open transaction leaves them

    def plan(self, names: Iterable[bytes]) -> dict[bytes, MailboxRow] | None:
        """Copies of the remembered rows of `names`, or None unless every one is
        remembered, open and trusted."""
        planned = {}
        for name in names:
            row = self._rows.get(name)
            if row is None or row.closed_at is not None or name in self._doubted:
                return None
            planned[name] = row.copy()
        return planned

    def read(self, rows: Mapping[bytes, MailboxRow]) -> None:
        """A batch read these rows under lock: trust again those found as remembered."""
        for name, row in rows.items():
            known = self._rows.get(name)
            if known is not None and known.same(row):
                self._doubted.discard(name)

    def committed(self) -> None:
        """The pending rows are now in the database (call after COMMIT returned)."""
        if len(self._rows) + len(self.pending) > MAX_REMEMBERED:
            self._rows.clear()
            self._doubted.clear()
        for name, row in self.pending.items():
            row.touched = None      # the batch that changed it is done with it
            self._rows[name] = row
        self.pending.clear()

    def discard(self) -> None:
        """The open transaction was rolled back: nothing of it is remembered."""
        self.pending.clear()

    def missed(self, names: Iterable[bytes]) -> None:
        """The database rows of `names` were not as remembered: forget and doubt them."""
        for name in names:
            self._rows.pop(name, None)
            self._doubted.add(name)
        if len(self._doubted) > MAX_REMEMBERED:
            self._doubted.clear()

    def clear(self) -> None:
        """Forget every row (their counts may have changed: a prune ran)."""
        self._rows.clear()
