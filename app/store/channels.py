"""Channels, threads and pins: the admin-signed definitions and pins, and this member's
state of each channel and thread (muted, last read, unread and mention counters, following).

Counters are kept up to date as posts are stored (`count_new`, called by PostTables within
the same transaction), so the sidebar reads them without counting posts. A post may arrive
before its channel's definition: its channel gets an undefined row that counts it, and the
definition recounts it (applying the announcements rule). groups.unread is kept equal to
the sum of the group's defined, unmuted channels.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from app.store.core import StorePart, reads, writes
from app.store.records import GENERAL, Channel, NewPost, PinRecord, ThreadSummary

_CHANNEL_COLS = ("group_id, id, kind, name, topic, position, archived, tags, def_time, def_msg, "
                 "muted, last_read, unread, mentions")
_CHUNK = 500


def _channel(r: tuple) -> Channel:
    return Channel(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]),
                   tuple(t for t in r[7].split("\n") if t), r[8], r[9], bool(r[10]), r[11],
                   r[12], r[13])


def order_key(epoch: int, seq: int, msg_id: bytes) -> bytes:
    """What orders two definitions (or pins) sent in the same second: epoch and sequence
    number (one sender's later message always sorts later), then the message id. Every
    member sees the same values, so every member picks the same newest one."""
    return epoch.to_bytes(4, "big") + seq.to_bytes(4, "big") + msg_id


def mentions(text: str | None, my_name: str) -> bool:
    """Whether a post's text mentions me (@ and my display name, any case)."""
    return bool(text) and bool(my_name) and f"@{my_name}".casefold() in text.casefold()  # type: ignore[union-attr]


class ChannelTables(StorePart):
    """Channel definitions and state, thread state, pins."""

    # -- channels -----------------------------------------------------------------------------
    def add_general(self, group_id: bytes) -> None:
        """General's row for a new group (inside the caller's transaction)."""
        self._db().execute(
            "INSERT OR IGNORE INTO channels (group_id, id, defined, name) VALUES (?, ?, 1, 'General')",
            (group_id, GENERAL))

    @writes(durable=False)
    def apply_definition(self, group_id: bytes, channel_id: bytes, kind: str, name: str,
                         topic: str, position: int, archived: bool, tags: Sequence[str],
                         time: int, msg_id: bytes, by_ik: bytes) -> bool:
        """Store an admin's channel definition if it is newer (sent time, then `msg_id`, an
        order_key) than the one stored; False when an older or equal one was kept."""
        conn = self._db()
        row = conn.execute("SELECT defined, def_time, def_msg FROM channels "
                           "WHERE group_id = ? AND id = ?", (group_id, channel_id)).fetchone()
        if row is not None and row[0] and (row[1], row[2]) >= (time, msg_id):
            return False
        values = (kind, name, topic, position, int(archived), "\n".join(sorted(tags)), time,
                  msg_id, by_ik)
        if row is None:
            conn.execute("INSERT INTO channels (group_id, id, defined, kind, name, topic, position, "
                         "archived, tags, def_time, def_msg, def_by) "
                         "VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (group_id, channel_id, *values))
        else:
            conn.execute("UPDATE channels SET defined = 1, kind = ?, name = ?, topic = ?, "
                         "position = ?, archived = ?, tags = ?, def_time = ?, def_msg = ?, "
                         "def_by = ? WHERE group_id = ? AND id = ?",
                         (*values, group_id, channel_id))
        self._recount(group_id, channel_id)
        return True

    @reads
    def list_channels(self, group_id: bytes, include_archived: bool = True) -> list[Channel]:
        """The group's defined channels, General first, then by position and name."""
        rows = self._db().execute(
            f"SELECT {_CHANNEL_COLS} FROM channels WHERE group_id = ? AND defined = 1 "
            f"{'' if include_archived else 'AND archived = 0 '}"
            "ORDER BY id != ?, archived, position, name COLLATE NOCASE, id",
            (group_id, GENERAL)).fetchall()
        return [_channel(r) for r in rows]

    @reads
    def get_channel(self, group_id: bytes, channel_id: bytes) -> Channel | None:
        row = self._db().execute(
            f"SELECT {_CHANNEL_COLS} FROM channels WHERE group_id = ? AND id = ? AND defined = 1",
            (group_id, channel_id)).fetchone()
        return None if row is None else _channel(row)

    @reads
    def unread_counts(self, group_ids: Sequence[bytes]) -> dict[bytes, list[tuple[bytes, int, int, bool]]]:
        """(channel id, unread, mentions, muted) of every defined channel of these groups."""
        out: dict[bytes, list[tuple[bytes, int, int, bool]]] = defaultdict(list)
        ids = list(group_ids)
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for gid, cid, unread, ment, muted in self._db().execute(
                    f"SELECT group_id, id, unread, mentions, muted FROM channels "
                    f"WHERE group_id IN ({marks}) AND defined = 1", chunk):
                out[gid].append((cid, unread, ment, bool(muted)))
        return dict(out)

    @writes(durable=False)
    def set_muted(self, group_id: bytes, channel_id: bytes, muted: bool) -> None:
        self._db().execute("UPDATE channels SET muted = ? WHERE group_id = ? AND id = ?",
                           (int(muted), group_id, channel_id))
        self._sum_group(group_id)

    @reads
    def newest_post(self, group_id: bytes, channel_id: bytes) -> tuple[bytes, int] | None:
        """(message id, signed time) of the channel's newest top-level post."""
        row = self._db().execute(
            "SELECT msg_id, sent_time FROM posts WHERE group_id = ? AND channel_id = ? "
            "AND thread_root IS NULL ORDER BY id DESC LIMIT 1", (group_id, channel_id)).fetchone()
        return None if row is None else (row[0], row[1])

    @writes(durable=False)
    def mark_read_to(self, group_id: bytes, channel_id: bytes, msg_id: bytes) -> bool:
        """Another device of this member read `channel_id` up to the post `msg_id`: what
        is not newer than it is read here too. False when that post is not here."""
        conn = self._db()
        row = conn.execute("SELECT id FROM posts WHERE group_id = ? AND msg_id = ? "
                           "AND channel_id = ?", (group_id, msg_id, channel_id)).fetchone()
        if row is None:
            return False
        upto = row[0]
        left = conn.execute(
            "SELECT count(*) FROM posts WHERE group_id = ? AND channel_id = ? AND "
            "thread_root IS NULL AND id > ? AND mine = 0", (group_id, channel_id, upto)).fetchone()[0]
        conn.execute("UPDATE channels SET last_read = max(last_read, ?), "
                     "unread = min(unread, ?), mentions = CASE WHEN ? = 0 THEN 0 ELSE mentions END "
                     "WHERE group_id = ? AND id = ?", (upto, left, left, group_id, channel_id))
        self._sum_group(group_id)
        return True

    @writes(durable=False)
    def mark_read(self, group_id: bytes, channel_id: bytes) -> bool:
        """Everything in the channel read up to its newest top-level post; False when it
        already was (no counter or position moved: nothing for a window to redraw)."""
        conn = self._db()
        newest = conn.execute(
            "SELECT coalesce(max(id), 0) FROM posts WHERE group_id = ? AND channel_id = ? "
            "AND thread_root IS NULL", (group_id, channel_id)).fetchone()[0]
        cur = conn.execute(
            "UPDATE channels SET last_read = max(last_read, ?), unread = 0, mentions = 0 "
            "WHERE group_id = ? AND id = ? AND (last_read < ? OR unread != 0 OR mentions != 0)",
            (newest, group_id, channel_id, newest))
        if cur.rowcount <= 0:
            return False
        self._sum_group(group_id)
        return True

    def mark_group_read(self, group_id: bytes) -> None:
        """Every channel of the group read (inside the caller's transaction)."""
        conn = self._db()
        conn.execute(
            "UPDATE channels SET unread = 0, mentions = 0, last_read = max(last_read, coalesce("
            "(SELECT max(p.id) FROM posts p WHERE p.group_id = channels.group_id "
            "AND p.channel_id = channels.id AND p.thread_root IS NULL), 0)) WHERE group_id = ?",
            (group_id,))
        self._sum_group(group_id)

    def count_new(self, group_id: bytes, fresh: Sequence[NewPost]) -> None:
        """Count newly stored posts into their channels' counters, follow the threads I
        start or that answer me (inside the insert's transaction)."""
        conn = self._db()
        kinds = {cid: (kind, defined) for cid, kind, defined in conn.execute(
            "SELECT id, kind, defined FROM channels WHERE group_id = ?", (group_id,))}
        me = conn.execute("SELECT display_name FROM identity WHERE id = 1").fetchone()
        my_name = me[0] if me else ""
        counts: dict[bytes, list[int]] = defaultdict(lambda: [0, 0])
        follow: list[tuple[bytes, bytes]] = []
        for p in fresh:
            if p.thread_root is not None:
                # I follow threads I reply in, and threads started on my posts
                if p.mine or conn.execute("SELECT mine FROM posts WHERE group_id = ? AND "
                                          "msg_id = ?", (group_id, p.thread_root)).fetchone() == (1,):
                    follow.append((group_id, p.thread_root))
                continue
            if p.mine or p.kind not in ("post", "poll", "calendar"):
                continue
            kind, _defined = kinds.get(p.channel_id, (None, 0))
            if kind == "announcements" and not p.by_admin:
                continue
            c = counts[p.channel_id]
            c[0] += 1
            c[1] += int(mentions(p.text, my_name))
        for channel_id, (unread, ment) in counts.items():
            if channel_id not in kinds:
                conn.execute("INSERT OR IGNORE INTO channels (group_id, id, defined) VALUES (?, ?, 0)",
                             (group_id, channel_id))
            conn.execute("UPDATE channels SET unread = unread + ?, mentions = mentions + ? "
                         "WHERE group_id = ? AND id = ?", (unread, ment, group_id, channel_id))
        if follow:
            conn.executemany("INSERT OR IGNORE INTO threads (group_id, root, following) "
                             "VALUES (?, ?, 1)", follow)
        if counts:
            self._sum_group(group_id)

    def _recount(self, group_id: bytes, channel_id: bytes) -> None:
        """A channel's counters from its posts after last_read (a definition arrived)."""
        conn = self._db()
        me = conn.execute("SELECT display_name FROM identity WHERE id = 1").fetchone()
        my_name = me[0] if me else ""
        kind, last_read = conn.execute(
            "SELECT kind, last_read FROM channels WHERE group_id = ? AND id = ?",
            (group_id, channel_id)).fetchone()
        unread = ment = 0
        for text, by_admin in conn.execute(
                "SELECT body, by_admin FROM posts WHERE group_id = ? AND channel_id = ? "
                "AND thread_root IS NULL AND id > ? AND mine = 0 AND kind = 'post'",
                (group_id, channel_id, last_read)):
            if kind == "announcements" and not by_admin:
                continue
            unread += 1
            ment += int(mentions(text, my_name))
        conn.execute("UPDATE channels SET unread = ?, mentions = ? WHERE group_id = ? AND id = ?",
                     (unread, ment, group_id, channel_id))
        self._sum_group(group_id)

    def _sum_group(self, group_id: bytes) -> None:
        self._db().execute(
            "UPDATE groups SET unread = (SELECT coalesce(sum(unread), 0) FROM channels "
            "WHERE group_id = ?1 AND defined = 1 AND muted = 0) WHERE id = ?1", (group_id,))

    # -- threads ------------------------------------------------------------------------------
    @reads
    def thread_summaries(self, group_id: bytes, roots: Sequence[bytes]) -> dict[bytes, ThreadSummary]:
        """Reply count, last replier and time, unread replies and following, per root that
        has replies or a thread row."""
        conn = self._db()
        out: dict[bytes, ThreadSummary] = {}
        ids = list(roots)
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            state = {root: (bool(f), lr) for root, f, lr in conn.execute(
                f"SELECT root, following, last_read FROM threads WHERE group_id = ? "
                f"AND root IN ({marks})", (group_id, *chunk))}
            for root in chunk:
                following, last_read = state.get(root, (False, 0))
                row = conn.execute(
                    "SELECT count(*), sum(id > ? AND mine = 0) FROM posts "
                    "WHERE group_id = ? AND thread_root = ?", (last_read, group_id, root)).fetchone()
                if not row[0] and root not in state:
                    continue
                last = conn.execute(
                    "SELECT sender_ik, sender_name, sent_time FROM posts WHERE group_id = ? "
                    "AND thread_root = ? ORDER BY sent_time DESC, seq DESC, id DESC LIMIT 1",
                    (group_id, root)).fetchone()
                out[root] = ThreadSummary(root, row[0], last[0] if last else None,
                                          last[1] if last else "", last[2] if last else None,
                                          row[1] or 0, following)
        return out

    @writes(durable=False)
    def set_following(self, group_id: bytes, root: bytes, following: bool) -> None:
        self._db().execute(
            "INSERT INTO threads (group_id, root, following) VALUES (?, ?, ?) "
            "ON CONFLICT DO UPDATE SET following = excluded.following",
            (group_id, root, int(following)))

    @writes(durable=False)
    def mark_thread_read(self, group_id: bytes, root: bytes) -> bool:
        """Read up to the thread's newest reply; False when it already was (nothing to
        redraw, so no change event: opening a read thread queues no follow-up work)."""
        conn = self._db()
        newest = conn.execute("SELECT coalesce(max(id), 0) FROM posts WHERE group_id = ? "
                              "AND thread_root = ?", (group_id, root)).fetchone()[0]
        cur = conn.execute("INSERT INTO threads (group_id, root, last_read) VALUES (?, ?, ?) "
                           "ON CONFLICT DO UPDATE SET last_read = excluded.last_read "
                           "WHERE excluded.last_read > threads.last_read",
                           (group_id, root, newest))
        return cur.rowcount > 0

    @reads
    def followed_roots(self, group_id: bytes) -> list[bytes]:
        return [r[0] for r in self._db().execute(
            "SELECT root FROM threads WHERE group_id = ? AND following = 1", (group_id,))]

    @reads
    def is_following(self, group_id: bytes, root: bytes) -> bool:
        row = self._db().execute("SELECT following FROM threads WHERE group_id = ? AND root = ?",
                                 (group_id, root)).fetchone()
        return bool(row and row[0])

    # -- pins ---------------------------------------------------------------------------------
    @writes(durable=False)
    def apply_pin(self, group_id: bytes, channel_id: bytes, target: bytes, on: bool,
                  by_ik: bytes, time: int, msg_id: bytes, max_pins: int) -> list[bytes]:
        """An admin's pin or unpin (`msg_id`: order_key). The channel's pin history is
        replayed in its order (sent time, epoch, seq, message id): each entry sets its
        post's state, except a pin of a post not pinned while `max_pins` posts are, which is
        refused; so the last entry per post wins and the cap is judged at each pin's place
        in the history, whatever order they arrived in. Returns the senders of the entries
        refused now that were not before (this one, or a later one an earlier arrival
        pushed over the cap), one per entry."""
        conn = self._db()
        added = conn.execute(
            "INSERT OR IGNORE INTO pin_events (group_id, channel_id, target, pinned, by_ik, "
            "time, msg_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (group_id, channel_id, target, int(on), by_ik, time, msg_id)).rowcount
        if not added:
            return []
        rows = conn.execute(
            "SELECT target, pinned, by_ik, time, msg_id, refused FROM pin_events "
            "WHERE group_id = ? AND channel_id = ? ORDER BY time, msg_id",
            (group_id, channel_id)).fetchall()
        state: dict[bytes, tuple[int, bytes, int, bytes]] = {}
        active: set[bytes] = set()
        newly: list[bytes] = []
        flips: list[tuple[int, int, bytes]] = []
        for post, pinned, who, when, key, was in rows:
            post = bytes(post)
            refused = int(bool(pinned) and post not in active and len(active) >= max_pins)
            if refused != was:
                flips.append((refused, when, key))
                if refused:
                    newly.append(bytes(who))
            if refused:
                continue
            state[post] = (pinned, who, when, key)
            if pinned:
                active.add(post)
            else:
                active.discard(post)
        conn.executemany("UPDATE pin_events SET refused = ? WHERE group_id = ? AND "
                         "channel_id = ? AND time = ? AND msg_id = ?",
                         [(r, group_id, channel_id, w, k) for r, w, k in flips])
        conn.execute("DELETE FROM pins WHERE group_id = ? AND channel_id = ?",
                     (group_id, channel_id))
        conn.executemany(
            "INSERT INTO pins (group_id, channel_id, target, pinned, by_ik, time, msg_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(group_id, channel_id, post, p, who, when, key)
             for post, (p, who, when, key) in state.items()])
        return newly

    @reads
    def list_pins(self, group_id: bytes, channel_id: bytes | None = None) -> list[PinRecord]:
        """Active pins, newest first (of one channel, or of every channel)."""
        where, params = ("AND channel_id = ?", (channel_id,)) if channel_id is not None else ("", ())
        return [PinRecord(*r) for r in self._db().execute(
            f"SELECT group_id, channel_id, target, by_ik, time FROM pins WHERE group_id = ? "
            f"AND pinned = 1 {where} ORDER BY time DESC, target", (group_id, *params))]

    @reads
    def pinned_count(self, group_id: bytes, channel_id: bytes) -> int:
        return self._db().execute("SELECT count(*) FROM pins WHERE group_id = ? AND channel_id = ? "
                                  "AND pinned = 1", (group_id, channel_id)).fetchone()[0]

    # -- search -------------------------------------------------------------------------------
    @reads
    def find_channels(self, words: str, group_id: bytes | None, limit: int) -> list[Channel]:
        """Channels whose name or topic contains the text (any case), archived ones too."""
        like = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where, params = ("AND group_id = ?", (group_id,)) if group_id else ("", ())
        sql = (f"SELECT {_CHANNEL_COLS} FROM channels WHERE defined = 1 {where} AND "
               "(name LIKE ? ESCAPE '\\' OR topic LIKE ? ESCAPE '\\') "
               "ORDER BY archived, name COLLATE NOCASE LIMIT ?")
        return [_channel(r) for r in self._db().execute(sql, (*params, like, like, limit))]

    @reads
    def find_titles(self, words: str, group_id: bytes | None,
                    limit: int) -> list[tuple[bytes, bytes, bytes, str, str, int]]:
        """(group id, channel id, msg id, title, sender name, sent time) of topics and
        threads whose title contains the text (any case), newest first."""
        like = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where, params = ("AND group_id = ?", (group_id,)) if group_id else ("", ())
        return [tuple(r) for r in self._db().execute(  # type: ignore[misc]
            f"SELECT group_id, channel_id, msg_id, title, sender_name, sent_time FROM posts "
            f"WHERE title IS NOT NULL AND deleted_by IS NULL {where} AND title LIKE ? ESCAPE '\\' "
            "ORDER BY sent_time DESC LIMIT ?", (*params, like, limit))]
