"""The moderation log (every accepted moderation payload) and the messages refused by it."""
from __future__ import annotations

from dataclasses import dataclass

from app.store.core import StorePart, reads, writes

_COLS = ("msg_id, actor_ik, action, target_ik, target_msg, channel_id, until, slowmode, locked, "
         "reason, sent_time, seq, quiet, newcomer_days, approve_first")


@dataclass(frozen=True)
class ModEntry:
    """One moderation action as the log keeps it; `action` is remove, timeout, lift, ban,
    unban, channel (a channel's slow mode and lock) or settings (quiet mode, newcomer
    safeguards)."""

    msg_id: bytes
    actor_ik: bytes
    action: str
    target_ik: bytes | None = None
    target_msg: bytes | None = None
    channel_id: bytes | None = None
    until: int | None = None
    slowmode: int | None = None
    locked: bool | None = None
    reason: str = ""
    sent_time: int = 0
    seq: int = 0
    quiet: bool | None = None
    newcomer_days: int | None = None
    approve_first: bool | None = None

    @property
    def order(self) -> tuple[int, bytes, int]:
        return self.sent_time, self.actor_ik, self.seq


def _entry(r: tuple) -> ModEntry:
    return ModEntry(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7],
                    None if r[8] is None else bool(r[8]), r[9], r[10], r[11],
                    None if r[12] is None else bool(r[12]), r[13],
                    None if r[14] is None else bool(r[14]))


class ModerationTables(StorePart):
    """moderation_log and moderation_refused."""

    @writes(durable=False)
    def add(self, group_id: bytes, e: ModEntry) -> bool:
        """Store one entry; False when it was stored already (a replay or a re-read)."""
        cur = self._db().execute(
            f"INSERT OR IGNORE INTO moderation_log (group_id, {_COLS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (group_id, e.msg_id, e.actor_ik, e.action, e.target_ik, e.target_msg, e.channel_id,
             e.until, e.slowmode, None if e.locked is None else int(e.locked), e.reason,
             e.sent_time, e.seq, None if e.quiet is None else int(e.quiet), e.newcomer_days,
             None if e.approve_first is None else int(e.approve_first)))
        return cur.rowcount > 0

    @reads
    def entries(self, group_id: bytes) -> list[ModEntry]:
        """The log in its order: signed time, then actor, then the actor's sequence."""
        rows = self._db().execute(
            f"SELECT {_COLS} FROM moderation_log WHERE group_id = ? "
            "ORDER BY sent_time, actor_ik, seq", (group_id,))
        return [_entry(r) for r in rows]

    @writes(durable=False)
    def refuse(self, group_id: bytes, msg_id: bytes, sender_ik: bytes, reason: str,
               sent_time: int) -> None:
        self._db().execute(
            "INSERT OR IGNORE INTO moderation_refused (group_id, msg_id, sender_ik, reason, "
            "sent_time) VALUES (?, ?, ?, ?, ?)", (group_id, msg_id, sender_ik, reason, sent_time))

    @reads
    def refused_counts(self, group_id: bytes) -> dict[bytes, int]:
        rows = self._db().execute(
            "SELECT sender_ik, count(*) FROM moderation_refused WHERE group_id = ? "
            "GROUP BY sender_ik", (group_id,))
        return {r[0]: r[1] for r in rows}

    @reads
    def posts_in_window(self, group_id: bytes, sender_ik: bytes, start: int,
                        end: int) -> list[bytes]:
        """Message ids of `sender_ik`'s stored, undeleted posts signed in [start, end)."""
        rows = self._db().execute(
            "SELECT msg_id FROM posts WHERE group_id = ? AND sender_ik = ? AND sent_time >= ? "
            "AND sent_time < ? AND deleted_by IS NULL", (group_id, sender_ik, start, end))
        return [r[0] for r in rows]

    @writes(durable=False)
    def drop_reactions_in_window(self, group_id: bytes, reactor_ik: bytes, start: int,
                                 end: int) -> int:
        """Remove `reactor_ik`'s reactions signed in [start, end) (a timeout that arrived
        after them); returns how many."""
        cur = self._db().execute(
            "DELETE FROM reactions WHERE group_id = ? AND reactor_ik = ? AND time >= ? "
            "AND time < ?", (group_id, reactor_ik, start, end))
        return cur.rowcount

    @reads
    def last_post_time(self, group_id: bytes, sender_ik: bytes, channel_id: bytes,
                       before: int) -> int | None:
        """The signed time of `sender_ik`'s latest stored post in a channel before `before`
        (slow mode)."""
        # A post the log refused after it was stored (delivered before the timeout or
        # channel rule that refuses it) does not count: members who received it after that
        # action never stored it, and slow mode must judge the same on every member.
        row = self._db().execute(
            "SELECT max(sent_time) FROM posts WHERE group_id = ? AND sender_ik = ? "
            "AND channel_id = ? AND sent_time < ? AND msg_id NOT IN "
            "(SELECT msg_id FROM moderation_refused WHERE group_id = ?)",
            (group_id, sender_ik, channel_id, before, group_id)).fetchone()
        return row[0] if row is not None else None

    @reads
    def channel_posts_since(self, group_id: bytes, channel_id: bytes,
                            start: int) -> list[tuple[bytes, bytes, int]]:
        """(msg_id, sender, signed time) of the stored, undeleted posts in a channel signed
        at or after `start`, oldest first (a channel rule that arrived late re-judges them)."""
        rows = self._db().execute(
            "SELECT msg_id, sender_ik, sent_time FROM posts WHERE group_id = ? "
            "AND channel_id = ? AND sent_time >= ? AND deleted_by IS NULL AND kind = 'post' "
            "ORDER BY sent_time, sender_ik", (group_id, channel_id, start))
        return [(r[0], r[1], r[2]) for r in rows]
