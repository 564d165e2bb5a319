"""Groups, members, the control log, epochs and integrity warnings."""
from __future__ import annotations

from collections.abc import Iterable

from app.store.core import StorePart, reads, writes
from app.store.records import (
    ControlEntry,
    Epoch,
    GroupRecord,
    GroupSummaryRow,
    Member,
    StoredWarning,
)

_GROUP_COLS = ("id, name, relay_url, my_role, state, created, last_activity, muted, unread, "
               "removed")
_UPDATABLE = {"name", "relay_url", "my_role", "muted", "removed", "last_activity"}


def _group(row: tuple) -> GroupRecord:
    return GroupRecord(row[0], row[1], row[2], row[3], row[4], row[5], row[6], bool(row[7]),
                       row[8], bool(row[9]))


class GroupTables(StorePart):
    """Each group I am in, its members and what the protocol keeps about it."""

    # -- groups -------------------------------------------------------------------------------
    @writes(durable=True)
    def add_group(self, group: GroupRecord) -> None:
        self._db().execute(
            f"INSERT INTO groups ({_GROUP_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (group.id, group.name, group.relay_url, group.my_role, group.state, group.created,
             group.last_activity, int(group.muted), group.unread, int(group.removed)))
        self._core.channels.add_general(group.id)  # type: ignore[attr-defined]

    @reads
    def get_group(self, group_id: bytes) -> GroupRecord | None:
        row = self._db().execute(f"SELECT {_GROUP_COLS} FROM groups WHERE id = ?",
                                 (group_id,)).fetchone()
        return None if row is None else _group(row)

    @reads
    def find_groups(self, name: str) -> list[GroupRecord]:
        rows = self._db().execute(f"SELECT {_GROUP_COLS} FROM groups WHERE name = ?", (name,))
        return [_group(r) for r in rows]

    @reads
    def all_groups(self) -> list[GroupRecord]:
        rows = self._db().execute(f"SELECT {_GROUP_COLS} FROM groups ORDER BY created, id")
        return [_group(r) for r in rows]

    @reads
    def list_groups(self, include_removed: bool = True) -> list[GroupSummaryRow]:
        """Groups for the list, most recent activity first, with the latest post's preview."""
        rows = self._db().execute(
            """
            SELECT g.id, g.name, g.relay_url, g.my_role, g.created, g.last_activity, g.muted,
                   g.unread, g.removed,
                   (SELECT count(*) FROM members m WHERE m.group_id = g.id),
                   (SELECT count(*) FROM warnings w WHERE w.group_id = g.id AND w.dismissed = 0),
                   lp.body, lp.sender_name, lp.sent_time, lp.deleted_by IS NOT NULL,
                   lp.sender_ik,
                   EXISTS (SELECT 1 FROM approvals a WHERE a.group_id = g.id
                           AND a.target_msg = lp.msg_id AND a.approve = 0)
            FROM groups g
            LEFT JOIN posts lp ON lp.id = (
                SELECT p.id FROM posts p WHERE p.group_id = g.id
                ORDER BY p.sent_time DESC, p.id DESC LIMIT 1)
            WHERE ? OR g.removed = 0
            ORDER BY g.last_activity DESC, g.id
            """, (int(include_removed),))
        return [GroupSummaryRow(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), r[7],
                                bool(r[8]), r[9], r[10], r[11] or "", r[12] or "", r[13],
                                bool(r[14]), None if r[15] is None else bytes(r[15]),
                                bool(r[16]))
                for r in rows]

    @writes(durable=True)
    def save_group_state(self, group_id: bytes, state: bytes) -> None:
        self._db().execute("UPDATE groups SET state = ? WHERE id = ?", (state, group_id))

    @writes(durable=True)
    def update_group(self, group_id: bytes, **changes: str | int | bool) -> None:
        """Change any of name, relay_url, my_role, muted, removed, last_activity."""
        unknown = set(changes) - _UPDATABLE
        if unknown:
            raise ValueError(f"cannot update group field(s) {sorted(unknown)}")
        if not changes:
            return
        names = sorted(changes)
        values = [int(v) if isinstance(v, bool) else v for v in (changes[n] for n in names)]
        assignments = ", ".join(f"{n} = ?" for n in names)
        self._db().execute(f"UPDATE groups SET {assignments} WHERE id = ?", (*values, group_id))

    @writes(durable=False)
    def mark_read(self, group_id: bytes) -> None:
        """Every channel of the group read."""
        self._core.channels.mark_group_read(group_id)  # type: ignore[attr-defined]

    @writes(durable=True)
    def delete_group(self, group_id: bytes) -> None:
        """Forget a group and everything stored for it (posts, members, invites, …)."""
        conn = self._db()
        conn.execute("DELETE FROM outbox WHERE group_id = ?", (group_id,))
        conn.execute("DELETE FROM groups WHERE id = ?", (group_id,))

    # -- members ------------------------------------------------------------------------------
    @writes(durable=True)
    def replace_members(self, group_id: bytes, members: Iterable[Member]) -> None:
        conn = self._db()
        conn.execute("DELETE FROM members WHERE group_id = ?", (group_id,))
        conn.executemany(
            "INSERT INTO members (group_id, ik, fingerprint, display_name, role) "
            "VALUES (?, ?, ?, ?, ?)",
            [(group_id, m.ik, m.fingerprint, m.display_name, m.role) for m in members])

    @writes(durable=True)
    def upsert_member(self, member: Member) -> None:
        self._db().execute(
            "INSERT INTO members (group_id, ik, fingerprint, display_name, role) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (group_id, ik) DO UPDATE SET "
            "fingerprint = excluded.fingerprint, display_name = excluded.display_name, "
            "role = excluded.role",
            (member.group_id, member.ik, member.fingerprint, member.display_name, member.role))

    @writes(durable=True)
    def remove_member(self, group_id: bytes, ik: bytes) -> None:
        self._db().execute("DELETE FROM members WHERE group_id = ? AND ik = ?", (group_id, ik))

    @reads
    def list_members(self, group_id: bytes) -> list[Member]:
        rows = self._db().execute(
            "SELECT group_id, ik, fingerprint, display_name, role FROM members "
            "WHERE group_id = ? ORDER BY display_name, ik", (group_id,))
        return [Member(*r) for r in rows]

    # -- control log and epochs --------------------------------------------------------------
    @writes(durable=True)
    def append_control(self, entries: Iterable[ControlEntry]) -> None:
        self._db().executemany(
            "INSERT OR IGNORE INTO control_log "
            "(group_id, seq, entry_hash, kind, author_ik, blob, created) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(e.group_id, e.seq, e.entry_hash, e.kind, e.author_ik, e.blob, e.created)
             for e in entries])

    @reads
    def control_log(self, group_id: bytes) -> list[ControlEntry]:
        rows = self._db().execute(
            "SELECT group_id, seq, entry_hash, kind, author_ik, blob, created FROM control_log "
            "WHERE group_id = ? ORDER BY seq", (group_id,))
        return [ControlEntry(*r) for r in rows]

    @writes(durable=True)
    def add_epoch(self, epoch: Epoch) -> None:
        self._db().execute(
            "INSERT INTO epochs (group_id, epoch, mailbox, blob, started, ended) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (epoch.group_id, epoch.epoch, epoch.mailbox, epoch.blob, epoch.started, epoch.ended))

    @writes(durable=True)
    def end_epoch(self, group_id: bytes, epoch: int, ended: int) -> None:
        self._db().execute("UPDATE epochs SET ended = ? WHERE group_id = ? AND epoch = ?",
                           (ended, group_id, epoch))

    @reads
    def epochs(self, group_id: bytes) -> list[Epoch]:
        rows = self._db().execute(
            "SELECT group_id, epoch, mailbox, blob, started, ended FROM epochs "
            "WHERE group_id = ? ORDER BY epoch", (group_id,))
        return [Epoch(*r) for r in rows]

    @reads
    def epoch_by_mailbox(self, mailbox: bytes) -> Epoch | None:
        row = self._db().execute(
            "SELECT group_id, epoch, mailbox, blob, started, ended FROM epochs "
            "WHERE mailbox = ?", (mailbox,)).fetchone()
        return None if row is None else Epoch(*row)

    # -- integrity warnings ----------------------------------------------------------------
    @writes(durable=False)
    def add_warning(self, group_id: bytes, kind: str, text: str, time: int,
                    sender_ik: bytes | None = None) -> int:
        cur = self._db().execute(
            "INSERT INTO warnings (group_id, kind, text, time, sender_ik) VALUES (?, ?, ?, ?, ?)",
            (group_id, kind, text, time, sender_ik))
        return int(cur.lastrowid)

    @reads
    def list_warnings(self, group_id: bytes, include_dismissed: bool = False) -> list[StoredWarning]:
        rows = self._db().execute(
            "SELECT id, group_id, kind, text, time, sender_ik, dismissed FROM warnings "
            "WHERE group_id = ? AND (? OR dismissed = 0) ORDER BY time, id",
            (group_id, int(include_dismissed)))
        return [StoredWarning(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6])) for r in rows]

    @writes(durable=True)
    def dismiss_warning(self, warning_id: int) -> None:
        self._db().execute("UPDATE warnings SET dismissed = 1 WHERE id = ?", (warning_id,))
