"""Reports and their resolutions, the group's rules, and posts held for approval."""
from __future__ import annotations

from dataclasses import dataclass

from app.store.core import StorePart, reads, writes
from app.store.records import GENERAL, NewPost


@dataclass(frozen=True)
class ReportRecord:
    """A report this member filed or could open (as a moderator or admin)."""

    group_id: bytes
    report_id: bytes
    msg_id: bytes
    reporter_ik: bytes
    target_msg: bytes
    author_ik: bytes
    post_sent: int
    post_text: str
    reason: str
    text: str
    evidence: bytes
    mine: bool
    sent_time: int


@dataclass(frozen=True)
class Resolution:
    actor_ik: bytes
    outcome: str
    sent_time: int


@dataclass(frozen=True)
class RulesRecord:
    msg_id: bytes
    actor_ik: bytes
    text: str
    sent_time: int


@dataclass(frozen=True)
class Approval:
    target_msg: bytes
    actor_ik: bytes
    approve: bool
    author_ik: bytes | None
    sent_time: int


_REPORT_COLS = ("group_id, report_id, msg_id, reporter_ik, target_msg, author_ik, post_sent, "
                "post_text, reason, text, evidence, mine, sent_time")
_HELD_COLS = ("group_id, msg_id, sender_ik, sender_name, sent_time, received_time, seq, text, "
              "reply_to, channel_id, thread_root, title, tags, mine, evidence")


def _report(r: tuple) -> ReportRecord:
    return ReportRecord(*r[:11], bool(r[11]), r[12])  # type: ignore[arg-type]


def _held(r: tuple) -> NewPost:
    return NewPost(r[0], r[1], r[2], r[3], r[4], r[5], r[6], "post", r[7], r[8], None,
                   bool(r[13]), r[9] or GENERAL, r[10], r[11],
                   tuple(t for t in (r[12] or "").split("\n") if t), False, r[14])


class ReportTables(StorePart):
    """reports, report_resolutions, group_rules, rules_seen, held_posts, approvals,
    post_signed."""

    # -- evidence --------------------------------------------------------------------------
    @reads
    def evidence(self, group_id: bytes, msg_id: bytes) -> bytes | None:
        row = self._db().execute(
            "SELECT e.evidence FROM posts p JOIN post_signed e ON e.post_id = p.id "
            "WHERE p.group_id = ? AND p.msg_id = ?", (group_id, msg_id)).fetchone()
        return row[0] if row else None

    # -- reports -----------------------------------------------------------------------------
    @writes(durable=False)
    def add_report(self, r: ReportRecord) -> bool:
        cur = self._db().execute(
            f"INSERT OR IGNORE INTO reports ({_REPORT_COLS}) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (r.group_id, r.report_id, r.msg_id, r.reporter_ik, r.target_msg, r.author_ik,
             r.post_sent, r.post_text, r.reason, r.text, r.evidence, int(r.mine), r.sent_time))
        return cur.rowcount > 0

    @writes(durable=False)
    def resolve(self, group_id: bytes, report_id: bytes, actor_ik: bytes, outcome: str,
                sent_time: int, msg_id: bytes) -> bool:
        cur = self._db().execute(
            "INSERT OR IGNORE INTO report_resolutions (group_id, report_id, actor_ik, outcome, "
            "sent_time, msg_id) VALUES (?, ?, ?, ?, ?, ?)",
            (group_id, report_id, actor_ik, outcome, sent_time, msg_id))
        return cur.rowcount > 0

    @reads
    def reports(self, group_id: bytes) -> list[tuple[ReportRecord, Resolution | None]]:
        """Every report held here, oldest first, each with its first resolution (signed
        time, then actor) or None while it is new."""
        conn = self._db()
        out = []
        for row in conn.execute(f"SELECT {_REPORT_COLS} FROM reports WHERE group_id = ? "
                                "ORDER BY sent_time, report_id", (group_id,)).fetchall():
            res = conn.execute(
                "SELECT actor_ik, outcome, sent_time FROM report_resolutions WHERE group_id = ? "
                "AND report_id = ? ORDER BY sent_time, actor_ik LIMIT 1",
                (group_id, row[1])).fetchone()
            out.append((_report(row), Resolution(*res) if res else None))
        return out

    # -- rules -------------------------------------------------------------------------------
    @writes(durable=False)
    def add_rules(self, group_id: bytes, msg_id: bytes, actor_ik: bytes, text: str,
                  sent_time: int, seq: int) -> bool:
        cur = self._db().execute(
            "INSERT OR IGNORE INTO group_rules (group_id, msg_id, actor_ik, text, sent_time, "
            "seq) VALUES (?, ?, ?, ?, ?, ?)", (group_id, msg_id, actor_ik, text, sent_time, seq))
        return cur.rowcount > 0

    @reads
    def rules_history(self, group_id: bytes) -> list[RulesRecord]:
        """Every rules text set, in signed order (time, admin, sequence): the last is in
        force."""
        rows = self._db().execute(
            "SELECT msg_id, actor_ik, text, sent_time FROM group_rules WHERE group_id = ? "
            "ORDER BY sent_time, actor_ik, seq", (group_id,))
        return [RulesRecord(*r) for r in rows]

    @reads
    def rules_seen(self, group_id: bytes) -> bytes | None:
        row = self._db().execute("SELECT msg_id FROM rules_seen WHERE group_id = ?",
                                 (group_id,)).fetchone()
        return row[0] if row else None

    @writes(durable=False)
    def mark_rules_seen(self, group_id: bytes, msg_id: bytes) -> None:
        self._db().execute("INSERT INTO rules_seen (group_id, msg_id) VALUES (?, ?) "
                           "ON CONFLICT DO UPDATE SET msg_id = excluded.msg_id",
                           (group_id, msg_id))

    # -- first-post approval -------------------------------------------------------------------
    @writes(durable=False)
    def hold(self, p: NewPost) -> None:
        self._db().execute(
            f"INSERT OR IGNORE INTO held_posts ({_HELD_COLS}) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (p.group_id, p.msg_id, p.sender_ik, p.sender_name, p.sent_time, p.received_time,
             p.seq, p.text or "", p.reply_to, p.channel_id, p.thread_root, p.title,
             "\n".join(p.tags), int(p.mine), p.evidence))

    @reads
    def held(self, group_id: bytes) -> list[NewPost]:
        rows = self._db().execute(f"SELECT {_HELD_COLS} FROM held_posts WHERE group_id = ? "
                                  "ORDER BY sent_time, sender_ik, seq", (group_id,))
        return [_held(r) for r in rows]

    @writes(durable=False)
    def release(self, group_id: bytes, msg_ids: list[bytes]) -> list[NewPost]:
        """Take posts out of the hold (to store them, or to drop them)."""
        conn = self._db()
        out = []
        for msg_id in msg_ids:
            row = conn.execute(f"SELECT {_HELD_COLS} FROM held_posts WHERE group_id = ? AND "
                               "msg_id = ?", (group_id, msg_id)).fetchone()
            if row is not None:
                out.append(_held(row))
                conn.execute("DELETE FROM held_posts WHERE group_id = ? AND msg_id = ?",
                             (group_id, msg_id))
        return out

    @writes(durable=False)
    def add_approval(self, group_id: bytes, target: bytes, actor_ik: bytes, approve: bool,
                     author_ik: bytes | None, sent_time: int) -> bool:
        """The first decision on a held post stands; later ones are ignored."""
        cur = self._db().execute(
            "INSERT OR IGNORE INTO approvals (group_id, target_msg, actor_ik, approve, "
            "author_ik, sent_time) VALUES (?, ?, ?, ?, ?, ?)",
            (group_id, target, actor_ik, int(approve), author_ik, sent_time))
        return cur.rowcount > 0

    @writes(durable=False)
    def set_approval_author(self, group_id: bytes, target: bytes, author_ik: bytes) -> None:
        self._db().execute("UPDATE approvals SET author_ik = ? WHERE group_id = ? AND "
                           "target_msg = ? AND author_ik IS NULL", (author_ik, group_id, target))

    @reads
    def approval(self, group_id: bytes, target: bytes) -> Approval | None:
        row = self._db().execute(
            "SELECT target_msg, actor_ik, approve, author_ik, sent_time FROM approvals "
            "WHERE group_id = ? AND target_msg = ?", (group_id, target)).fetchone()
        return Approval(row[0], row[1], bool(row[2]), row[3], row[4]) if row else None

    @reads
    def rejected_among(self, group_id: bytes, msg_ids: list[bytes]) -> set[bytes]:
        """Those of msg_ids a moderator rejected (held posts that were not approved)."""
        out: set[bytes] = set()
        for at in range(0, len(msg_ids), 500):
            chunk = msg_ids[at:at + 500]
            rows = self._db().execute(
                "SELECT target_msg FROM approvals WHERE group_id = ? AND approve = 0 AND "
                f"target_msg IN ({', '.join('?' * len(chunk))})", (group_id, *chunk))
            out.update(bytes(r[0]) for r in rows)
        return out

    @reads
    def decided_among(self, group_id: bytes, msg_ids: list[bytes]) -> set[bytes]:
        """Those of msg_ids a moderator approved or rejected."""
        out: set[bytes] = set()
        for at in range(0, len(msg_ids), 500):
            chunk = msg_ids[at:at + 500]
            rows = self._db().execute(
                "SELECT target_msg FROM approvals WHERE group_id = ? AND "
                f"target_msg IN ({', '.join('?' * len(chunk))})", (group_id, *chunk))
            out.update(bytes(r[0]) for r in rows)
        return out

    @reads
    def approved_members(self, group_id: bytes) -> set[bytes]:
        """Members who have had a post approved: their posts are held no more."""
        rows = self._db().execute("SELECT DISTINCT author_ik FROM approvals WHERE group_id = ? "
                                  "AND approve = 1 AND author_ik IS NOT NULL", (group_id,))
        return {r[0] for r in rows}
