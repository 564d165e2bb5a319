"""Posts: batched ingest (with FTS rows via triggers), edits, tombstones, reactions, paging.

Paging is keyset on (group_id, sent_time, seq, id), served by the posts_page index; no query
here uses OFFSET. Edits and deletes whose target has not arrived yet are kept in
pending_changes and applied when the post lands; reactions are keyed by the target's
message id, so they may arrive first too.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

import sqlcipher3

from app.store.core import StorePart, reads, writes
from app.store.records import GENERAL, NewPost, PageKey, Post, PostPage, Reaction

POST_COLS = """p.id, p.group_id, p.msg_id, p.sender_ik, p.sender_name, p.sent_time,
    p.received_time, p.seq, p.kind, p.text, p.reply_to, p.edited, p.edited_text, p.edited_time,
    p.deleted_by, p.deleted_time, p.raw, p.mine,
    EXISTS (SELECT 1 FROM outbox o WHERE o.msg_id = p.msg_id) AS sending,
    p.channel_id, p.thread_root, p.title, p.tags, p.by_admin"""

_INSERT = """INSERT INTO posts (group_id, msg_id, sender_ik, sender_name, sent_time,
    received_time, seq, kind, text, reply_to, raw, mine, channel_id, thread_root, title, tags,
    by_admin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""

# The search rows of the posts just inserted (row ids above the previous maximum). The
# index is external-content: FTS5 reads nothing back, it stores what it is given here.
_INDEX_NEW = "INSERT INTO posts_fts (rowid, body, grp) SELECT id, body, grp FROM posts WHERE id > ?"

# SQLite's limit on bound parameters is 32766; stay well below it per IN (...) list.
_CHUNK = 500


def _scope(channel: bytes, thread: bytes | None) -> tuple[str, tuple]:
    """The WHERE of one timeline: a channel's top-level posts, or one thread's replies
    (served by posts_channel_page / posts_thread_page)."""
    if thread is not None:
        return "p.group_id = ? AND p.thread_root = ?", (thread,)
    return "p.group_id = ? AND p.channel_id = ? AND p.thread_root IS NULL", (channel,)


def _chunks(items: Sequence[bytes]) -> Iterable[Sequence[bytes]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


class PostTables(StorePart):
    """Posts, their pending edits and deletes, and reactions."""

    @writes(durable=False)
    def insert_posts(self, posts: Sequence[NewPost]) -> tuple[bytes, ...]:
        """Store a batch in one transaction; returns the msg_ids that were new.

        A (group, msg_id) already stored, or repeated within the batch, is skipped (a
        replay changes nothing). Other members' posts count as unread. Inbound batches are
        re-fetchable (NORMAL); wrap my own post with its outbox row in a durable
        `transaction()`.
        """
        conn = self._db()
        by_group: dict[bytes, list[NewPost]] = defaultdict(list)
        for post in posts:
            by_group[post.group_id].append(post)
        fresh_all: list[bytes] = []
        for group_id, batch in by_group.items():
            ids = [p.msg_id for p in batch]
            known: set[bytes] = set()
            for chunk in _chunks(ids):
                marks = ",".join("?" * len(chunk))
                known.update(r[0] for r in conn.execute(
                    f"SELECT msg_id FROM posts WHERE group_id = ? AND msg_id IN ({marks})",
                    (group_id, *chunk)))
            fresh: list[NewPost] = []
            for post in batch:
                if post.msg_id not in known:
                    known.add(post.msg_id)
                    fresh.append(post)
            if not fresh:
                continue
            # the rows below get the next row ids (this transaction is the only writer)
            top = conn.execute("SELECT coalesce(max(id), 0) FROM posts").fetchone()[0]
            conn.executemany(_INSERT, [
                (p.group_id, p.msg_id, p.sender_ik, p.sender_name, p.sent_time, p.received_time,
                 p.seq, p.kind, None if p.kind == "unsupported" else p.text, p.reply_to, p.raw,
                 int(p.mine), p.channel_id, p.thread_root, p.title, "\n".join(p.tags),
                 int(p.by_admin)) for p in fresh])
            # their search rows in one statement (schema 17: no per-row trigger)
            indexed = conn.execute(_INDEX_NEW, (top,)).rowcount
            if indexed != len(fresh):   # never: ids are handed out above the maximum
                raise sqlcipher3.IntegrityError("a new post did not reach the search index")
            signed = [(p.group_id, p.msg_id, p.evidence) for p in fresh if p.evidence]
            if signed:
                conn.executemany("INSERT OR IGNORE INTO post_signed (post_id, evidence) "
                                 "SELECT id, ?3 FROM posts WHERE group_id = ?1 AND msg_id = ?2",
                                 signed)
            newest = max(p.sent_time for p in fresh)
            conn.execute("UPDATE groups SET last_activity = max(last_activity, ?) WHERE id = ?",
                         (newest, group_id))
            self._core.channels.count_new(group_id, fresh)  # type: ignore[attr-defined]
            fresh_ids = [p.msg_id for p in fresh]
            self._apply_pending(group_id, fresh_ids)
            fresh_all += fresh_ids
        return tuple(fresh_all)

    def _apply_pending(self, group_id: bytes, msg_ids: list[bytes]) -> None:
        conn = self._db()
        if conn.execute("SELECT NOT EXISTS (SELECT 1 FROM pending_changes)").fetchone()[0]:
            return
        for chunk in _chunks(msg_ids):
            marks = ",".join("?" * len(chunk))
            rows = conn.execute(
                f"SELECT id, target, kind, author, text, time FROM pending_changes "
                f"WHERE group_id = ? AND target IN ({marks}) ORDER BY time, id",
                (group_id, *chunk)).fetchall()
            for row_id, target, kind, author, text, time in rows:
                if kind == "edit":
                    self._edit(group_id, target, text, time, author)
                else:
                    self._delete(group_id, target, author, time, kind == "admin_delete")
                conn.execute("DELETE FROM pending_changes WHERE id = ?", (row_id,))

    def _edit(self, group_id: bytes, target: bytes, text: str, time: int,
              author: bytes | None) -> bool:
        cur = self._db().execute(
            "UPDATE posts SET edited = 1, edited_text = ?, edited_time = ? "
            "WHERE group_id = ? AND msg_id = ? AND kind = 'post' AND deleted_by IS NULL "
            "AND (edited_time IS NULL OR edited_time <= ?) AND (?6 IS NULL OR sender_ik = ?6)",
            (text, time, group_id, target, time, author))
        return cur.rowcount > 0

    def _delete(self, group_id: bytes, target: bytes, deleted_by: bytes, time: int,
                admin: bool | None) -> bool:
        conn = self._db()
        cur = conn.execute(
            "UPDATE posts SET deleted_by = ?, deleted_time = ?, text = NULL, edited_text = NULL, "
            "raw = NULL WHERE group_id = ? AND msg_id = ? AND deleted_by IS NULL "
            "AND (?5 OR sender_ik = ?1)",
            (deleted_by, time, group_id, target, admin is not False))
        if cur.rowcount:
            conn.execute("DELETE FROM reactions WHERE group_id = ? AND target = ?",
                         (group_id, target))
            conn.execute("DELETE FROM post_signed WHERE post_id = (SELECT id FROM posts "
                         "WHERE group_id = ? AND msg_id = ?)", (group_id, target))
        return cur.rowcount > 0

    def _exists(self, group_id: bytes, msg_id: bytes) -> bool:
        return self._db().execute(
            "SELECT 1 FROM posts WHERE group_id = ? AND msg_id = ?", (group_id, msg_id)
        ).fetchone() is not None

    def _keep_for_later(self, group_id: bytes, target: bytes, kind: str, author: bytes,
                        text: str | None, time: int) -> None:
        self._db().execute(
            "INSERT INTO pending_changes (group_id, target, kind, author, text, time) "
            "VALUES (?, ?, ?, ?, ?, ?)", (group_id, target, kind, author, text, time))

    @writes(durable=False)
    def apply_edit(self, group_id: bytes, target: bytes, text: str, time: int,
                   author: bytes | None = None) -> bool:
        """Replace a post's text (the newest edit by time wins); False if not applied now.

        With `author`, the edit applies only to a post whose sender is `author`, and an
        edit whose post is not stored yet is kept and applied (same check) when it lands.
        Without it the caller has checked the sender, and an early edit is not kept.
        """
        if self._edit(group_id, target, text, time, author):
            return True
        if author is not None and not self._exists(group_id, target):
            self._keep_for_later(group_id, target, "edit", author, text, time)
        return False

    @writes(durable=False)
    def apply_delete(self, group_id: bytes, target: bytes, deleted_by: bytes, time: int,
                     admin: bool | None = None) -> bool:
        """Tombstone a post: its text leaves the row and the search index; reactions go.

        admin=False: only the post's own sender may delete it; admin=True: an admin's
        removal (the caller checked the role). Either way a delete whose post is not stored
        yet is kept and applied, with the same rule, when it lands. admin=None: the caller
        has checked everything, and an early delete is not kept.
        """
        if self._delete(group_id, target, deleted_by, time, admin):
            return True
        if admin is not None and not self._exists(group_id, target):
            self._keep_for_later(group_id, target, "admin_delete" if admin else "delete",
                                 deleted_by, None, time)
        return False

    @writes(durable=False)
    def apply_reaction(self, group_id: bytes, target: bytes, reactor_ik: bytes, emoji: str,
                       on: bool, time: int) -> None:
        conn = self._db()
        if not on:
            conn.execute("DELETE FROM reactions WHERE group_id = ? AND target = ? "
                         "AND reactor_ik = ? AND emoji = ?", (group_id, target, reactor_ik, emoji))
            return
        deleted = conn.execute("SELECT 1 FROM posts WHERE group_id = ? AND msg_id = ? "
                               "AND deleted_by IS NOT NULL", (group_id, target)).fetchone()
        if deleted is None:
            conn.execute(
                "INSERT INTO reactions (group_id, target, reactor_ik, emoji, time) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET time = excluded.time",
                (group_id, target, reactor_ik, emoji, time))

    @reads
    def find_msg_ids(self, group_id: bytes, hex_prefix: str, limit: int = 2) -> list[bytes]:
        """Message ids of the group whose lower-case hex starts with hex_prefix (short ids)."""
        prefix = hex_prefix.strip().lower()
        if not prefix or any(c not in "0123456789abcdef" for c in prefix):
            return []
        even = prefix + "0" * (len(prefix) % 2)
        low = bytes.fromhex(even)
        bump = int(prefix, 16) + 1
        if bump >= 16 ** len(prefix):
            rows = self._db().execute(
                "SELECT msg_id FROM posts WHERE group_id = ? AND msg_id >= ? "
                "ORDER BY msg_id LIMIT ?", (group_id, low, limit))
        else:
            high_hex = format(bump, f"0{len(prefix)}x")
            high = bytes.fromhex(high_hex + "0" * (len(high_hex) % 2))
            rows = self._db().execute(
                "SELECT msg_id FROM posts WHERE group_id = ? AND msg_id >= ? AND msg_id < ? "
                "ORDER BY msg_id LIMIT ?", (group_id, low, high, limit))
        return [r[0] for r in rows]

    # -- reading ------------------------------------------------------------------------------
    def _posts(self, where: str, params: tuple, order: str, limit: int) -> list[Post]:
        rows = self._db().execute(
            f"SELECT {POST_COLS} FROM posts p WHERE {where} ORDER BY {order} LIMIT ?",
            (*params, limit)).fetchall()
        return self._with_reactions(rows)

    def _with_reactions(self, rows: list[tuple]) -> list[Post]:
        if not rows:
            return []
        conn = self._db()
        found: dict[tuple[bytes, bytes], list[Reaction]] = defaultdict(list)
        by_group: dict[bytes, list[bytes]] = defaultdict(list)
        for r in rows:
            by_group[r[1]].append(r[2])
        for group_id, ids in by_group.items():
            for chunk in _chunks(ids):
                marks = ",".join("?" * len(chunk))
                for target, reactor, emoji, time in conn.execute(
                        f"SELECT target, reactor_ik, emoji, time FROM reactions "
                        f"WHERE group_id = ? AND target IN ({marks}) ORDER BY time, emoji",
                        (group_id, *chunk)):
                    found[(group_id, target)].append(Reaction(reactor, emoji, time))
        return [_post(r, tuple(found.get((r[1], r[2]), ()))) for r in rows]

    @reads
    def get_post(self, group_id: bytes, msg_id: bytes) -> Post | None:
        found = self._posts("p.group_id = ? AND p.msg_id = ?", (group_id, msg_id), "p.id", 1)
        return found[0] if found else None

    @reads
    def get_posts(self, group_id: bytes, msg_ids: Sequence[bytes]) -> dict[bytes, Post]:
        """The stored posts among msg_ids (e.g. the targets of replies on a page)."""
        result: dict[bytes, Post] = {}
        for chunk in _chunks(list(msg_ids)):
            marks = ",".join("?" * len(chunk))
            for post in self._posts(f"p.group_id = ? AND p.msg_id IN ({marks})",
                                    (group_id, *chunk), "p.id", len(chunk)):
                result[post.msg_id] = post
        return result

    @reads
    def latest_posts(self, group_id: bytes, limit: int = 50, channel: bytes = GENERAL,
                     thread: bytes | None = None) -> PostPage:
        """The newest posts of one timeline: a channel's top-level posts (General by
        default), or with `thread` that thread's replies."""
        where, params = _scope(channel, thread)
        rows = self._posts(where, (group_id, *params),
                           "p.sent_time DESC, p.seq DESC, p.id DESC", limit + 1)
        return PostPage(tuple(reversed(rows[:limit])), len(rows) > limit, False)

    @reads
    def posts_before(self, group_id: bytes, anchor: PageKey, limit: int = 50,
                     channel: bytes = GENERAL, thread: bytes | None = None) -> PostPage:
        """Up to `limit` posts strictly older than the anchor, oldest first."""
        scope = _scope(channel, thread)
        rows = self._older(group_id, anchor, limit + 1, scope)
        more_after = self._newer(group_id, PageKey(anchor.sent_time, anchor.seq, anchor.id - 1),
                                 1, scope) != []
        return PostPage(tuple(reversed(rows[:limit])), len(rows) > limit, more_after)

    @reads
    def posts_after(self, group_id: bytes, anchor: PageKey, limit: int = 50,
                    channel: bytes = GENERAL, thread: bytes | None = None) -> PostPage:
        """Up to `limit` posts strictly newer than the anchor, oldest first."""
        scope = _scope(channel, thread)
        rows = self._newer(group_id, anchor, limit + 1, scope)
        more_before = self._older(group_id, PageKey(anchor.sent_time, anchor.seq, anchor.id + 1),
                                  1, scope) != []
        return PostPage(tuple(rows[:limit]), more_before, len(rows) > limit)

    @reads
    def posts_around(self, group_id: bytes, msg_id: bytes, limit: int = 50) -> PostPage | None:
        """About limit/2 posts each side of msg_id in its own timeline (its channel, or its
        thread), the post itself included; None if absent."""
        anchor = self._posts("p.group_id = ? AND p.msg_id = ?", (group_id, msg_id), "p.id", 1)
        if not anchor:
            return None
        scope = _scope(anchor[0].channel_id, anchor[0].thread_root)
        key = anchor[0].key
        before_n = max(0, (limit - 1) // 2)
        after_n = max(0, limit - 1 - before_n)
        older = self._older(group_id, key, before_n + 1, scope)
        newer = self._newer(group_id, key, after_n + 1, scope)
        posts = (*reversed(older[:before_n]), anchor[0], *newer[:after_n])
        return PostPage(posts, len(older) > before_n, len(newer) > after_n)

    def _older(self, group_id: bytes, key: PageKey, limit: int,
               scope: tuple[str, tuple]) -> list[Post]:
        where, params = scope
        return self._posts(f"{where} AND (p.sent_time, p.seq, p.id) < (?, ?, ?)",
                           (group_id, *params, key.sent_time, key.seq, key.id),
                           "p.sent_time DESC, p.seq DESC, p.id DESC", limit)

    def _newer(self, group_id: bytes, key: PageKey, limit: int,
               scope: tuple[str, tuple]) -> list[Post]:
        where, params = scope
        return self._posts(f"{where} AND (p.sent_time, p.seq, p.id) > (?, ?, ?)",
                           (group_id, *params, key.sent_time, key.seq, key.id),
                           "p.sent_time, p.seq, p.id", limit)

    @reads
    def stored_elsewhere(self, group_id: bytes, msg_id: bytes) -> bool:
        """Whether msg_id is a post of another group (a cross-group thread reply)."""
        return self._db().execute(
            "SELECT 1 FROM groups g WHERE g.id != ? AND EXISTS (SELECT 1 FROM posts p "
            "WHERE p.group_id = g.id AND p.msg_id = ?)", (group_id, msg_id)).fetchone() is not None

    @reads
    def group_posts_after(self, group_id: bytes, anchor: PageKey, limit: int = 1000) -> list[Post]:
        """Every post of the group after the anchor, all channels and threads together, in
        timeline order (exports read a whole group this way, a page at a time)."""
        return self._posts("p.group_id = ? AND (p.sent_time, p.seq, p.id) > (?, ?, ?)",
                           (group_id, anchor.sent_time, anchor.seq, anchor.id),
                           "p.sent_time, p.seq, p.id", limit)

    @reads
    def post_count(self, group_id: bytes) -> int:
        return self._db().execute("SELECT count(*) FROM posts WHERE group_id = ?",
                                  (group_id,)).fetchone()[0]


def _post(r: tuple, reactions: tuple[Reaction, ...]) -> Post:
    deleted = r[14] is not None
    current = "" if deleted else (r[12] if r[12] is not None else (r[9] or ""))
    return Post(id=r[0], group_id=r[1], msg_id=r[2], sender_ik=r[3], sender_name=r[4],
                sent_time=r[5], received_time=r[6], seq=r[7], kind=r[8], text=current,
                original_text=r[9], reply_to=r[10], edited=bool(r[11]), edited_time=r[13],
                deleted=deleted, deleted_by=r[14], deleted_time=r[15], raw=r[16],
                mine=bool(r[17]), sending=bool(r[18]), reactions=reactions, channel_id=r[19],
                thread_root=r[20], title=r[21], tags=tuple(t for t in r[22].split("\n") if t),
                by_admin=bool(r[23]))
