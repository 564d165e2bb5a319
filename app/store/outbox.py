"""The outbox (durable until the relay acknowledges) and per-mailbox relay cursors."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from app.store.core import StorePart, reads, writes
from app.store.records import NewOutbox, OutboxItem

_COLS = ("id, group_id, relay_url, mailbox, capability, envelope, msg_id, attempts, created, "
         "last_attempt")


class Outbox(StorePart):
    """Envelopes waiting for the relay's ack, and how far each mailbox was read."""

    @writes(durable=True)
    def enqueue(self, items: Sequence[NewOutbox]) -> list[int]:
        """Add envelopes to send; durable (fsynced) before this returns. Returns row ids."""
        conn = self._db()
        ids = []
        for item in items:
            cur = conn.execute(
                "INSERT INTO outbox (group_id, relay_url, mailbox, capability, envelope, msg_id, "
                "created) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (item.group_id, item.relay_url, item.mailbox, item.capability, item.envelope,
                 item.msg_id, item.created))
            ids.append(int(cur.lastrowid))
        return ids

    @reads
    def pending_outbox(self, limit: int = 256, mailbox: bytes | None = None) -> list[OutboxItem]:
        """Rows still waiting for an ack, oldest first (optionally for one mailbox)."""
        if mailbox is None:
            rows = self._db().execute(f"SELECT {_COLS} FROM outbox ORDER BY id LIMIT ?", (limit,))
        else:
            rows = self._db().execute(
                f"SELECT {_COLS} FROM outbox WHERE mailbox = ? ORDER BY id LIMIT ?",
                (mailbox, limit))
        return [OutboxItem(*r) for r in rows]

    @writes(durable=False)
    def mark_attempt(self, ids: Iterable[int], now: int) -> None:
        self._db().executemany(
            "UPDATE outbox SET attempts = attempts + 1, last_attempt = ? WHERE id = ?",
            [(now, i) for i in ids])

    @writes(durable=True)
    def ack(self, ids: Iterable[int]) -> None:
        """Remove rows the relay acknowledged; call only after the ack arrived."""
        self._db().executemany("DELETE FROM outbox WHERE id = ?", [(i,) for i in ids])

    @reads
    def outbox_count(self, group_id: bytes | None = None) -> int:
        if group_id is None:
            return self._db().execute("SELECT count(*) FROM outbox").fetchone()[0]
        return self._db().execute("SELECT count(*) FROM outbox WHERE group_id = ?",
                                  (group_id,)).fetchone()[0]

    # -- cursors ------------------------------------------------------------------------------
    @reads
    def get_cursor(self, mailbox: bytes) -> int:
        row = self._db().execute("SELECT cursor FROM cursors WHERE mailbox = ?",
                                 (mailbox,)).fetchone()
        return 0 if row is None else row[0]

    @writes(durable=False)
    def set_cursor(self, mailbox: bytes, cursor: int, now: int = 0) -> None:
        """Record the last cursor processed; a smaller value than stored is ignored."""
        self._db().execute(
            "INSERT INTO cursors (mailbox, cursor, updated) VALUES (?, ?, ?) "
            "ON CONFLICT (mailbox) DO UPDATE SET cursor = max(cursor, excluded.cursor), "
            "updated = excluded.updated", (mailbox, cursor, now))

    @reads
    def cursors(self) -> dict[bytes, int]:
        return dict(self._db().execute("SELECT mailbox, cursor FROM cursors").fetchall())
