"""Per-group profiles, the badge log, and the counts automatic badges are computed from."""
from __future__ import annotations

from dataclasses import dataclass

from app.store.core import StorePart, reads, writes


@dataclass(frozen=True)
class ProfileRecord:
    member_ik: bytes
    msg_id: bytes
    pos: int
    sent_time: int
    name: str = ""
    pronouns: str = ""
    bio: str = ""
    timezone: str = ""
    avatar: bytes | None = None


@dataclass(frozen=True)
class BadgeEntry:
    msg_id: bytes
    actor_ik: bytes
    member_ik: bytes
    title: str
    granted: bool
    sent_time: int
    pos: int


@dataclass(frozen=True)
class PostFact:
    """What the welcome badge looks at in one post."""

    msg_id: bytes
    sender_ik: bytes
    sent_time: int
    text: str
    reply_to: bytes | None


_PROFILE_COLS = "member_ik, msg_id, pos, sent_time, name, pronouns, bio, timezone, avatar"
_BADGE_COLS = "msg_id, actor_ik, member_ik, title, granted, sent_time, pos"


class ProfileTables(StorePart):
    """member_profiles and badge_log."""

    @writes(durable=False)
    def put_profile(self, group_id: bytes, p: ProfileRecord) -> bool:
        """Keep `p` when it is newer (in its member's write order) than the one held."""
        cur = self._db().execute(
            f"INSERT INTO member_profiles (group_id, {_PROFILE_COLS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (group_id, member_ik) DO UPDATE SET msg_id = excluded.msg_id, "
            "pos = excluded.pos, sent_time = excluded.sent_time, name = excluded.name, "
            "pronouns = excluded.pronouns, bio = excluded.bio, timezone = excluded.timezone, "
            "avatar = excluded.avatar WHERE excluded.pos > member_profiles.pos",
            (group_id, p.member_ik, p.msg_id, p.pos, p.sent_time, p.name, p.pronouns, p.bio,
             p.timezone, p.avatar))
        return cur.rowcount > 0

    @reads
    def profiles(self, group_id: bytes) -> dict[bytes, ProfileRecord]:
        rows = self._db().execute(
            f"SELECT {_PROFILE_COLS} FROM member_profiles WHERE group_id = ?", (group_id,))
        return {r[0]: ProfileRecord(*r) for r in rows}

    @reads
    def names(self, group_id: bytes) -> dict[bytes, str]:
        """Members' chosen names in this group (only those who chose one)."""
        rows = self._db().execute(
            "SELECT member_ik, name FROM member_profiles WHERE group_id = ? AND name != ''",
            (group_id,))
        return {r[0]: r[1] for r in rows}

    @writes(durable=False)
    def add_badge(self, group_id: bytes, e: BadgeEntry) -> bool:
        cur = self._db().execute(
            f"INSERT OR IGNORE INTO badge_log (group_id, {_BADGE_COLS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (group_id, e.msg_id, e.actor_ik, e.member_ik, e.title, int(e.granted),
             e.sent_time, e.pos))
        return cur.rowcount > 0

    @reads
    def badge_log(self, group_id: bytes) -> list[BadgeEntry]:
        """Every grant and revoke in the order (signed time, actor, actor's position)."""
        rows = self._db().execute(
            f"SELECT {_BADGE_COLS} FROM badge_log WHERE group_id = ? "
            "ORDER BY sent_time, actor_ik, pos", (group_id,))
        return [BadgeEntry(r[0], r[1], r[2], r[3], bool(r[4]), r[5], r[6]) for r in rows]

    # -- what automatic badges count -------------------------------------------------------
    @reads
    def post_counts(self, group_id: bytes) -> dict[bytes, int]:
        """Posts (and replies, topics) per sender: stored, not deleted, not refused."""
        rows = self._db().execute(
            "SELECT sender_ik, count(*) FROM posts WHERE group_id = ? AND kind = 'post' "
            "AND deleted_by IS NULL GROUP BY sender_ik", (group_id,))
        return {r[0]: r[1] for r in rows}

    @reads
    def reactions_received(self, group_id: bytes) -> dict[bytes, int]:
        """Reactions others hold on each sender's undeleted posts, one per (reactor, post,
        emoji); reactions on one's own posts do not count."""
        rows = self._db().execute(
            "SELECT p.sender_ik, count(*) FROM reactions r JOIN posts p "
            "ON p.group_id = r.group_id AND p.msg_id = r.target "
            "WHERE r.group_id = ? AND p.kind = 'post' AND p.deleted_by IS NULL "
            "AND r.reactor_ik != p.sender_ik GROUP BY p.sender_ik", (group_id,))
        return {r[0]: r[1] for r in rows}

    @reads
    def posts_between(self, group_id: bytes, start: int, end: int) -> list[PostFact]:
        """Undeleted posts signed in [start, end], in the order (signed time, sender,
        message id)."""
        rows = self._db().execute(
            "SELECT msg_id, sender_ik, sent_time, coalesce(edited_text, text, ''), reply_to "
            "FROM posts WHERE group_id = ? AND kind = 'post' AND deleted_by IS NULL "
            "AND sent_time >= ? AND sent_time <= ? ORDER BY sent_time, sender_ik, msg_id",
            (group_id, start, end))
        return [PostFact(*r) for r in rows]

    @reads
    def senders_of(self, group_id: bytes, msg_ids: list[bytes]) -> dict[bytes, bytes]:
        if not msg_ids:
            return {}
        marks = ",".join("?" * len(msg_ids))
        rows = self._db().execute(
            f"SELECT msg_id, sender_ik FROM posts WHERE group_id = ? AND msg_id IN ({marks})",
            (group_id, *msg_ids))
        return {r[0]: r[1] for r in rows}

    @reads
    def monthly_counts(self, group_id: bytes, start: int, end: int,
                       ) -> tuple[dict[bytes, int], dict[bytes, int]]:
        """(posts per sender, reactions received per sender) for posts signed in
        [start, end): the local "top contributors" of one month."""
        db = self._db()
        posts = {r[0]: r[1] for r in db.execute(
            "SELECT sender_ik, count(*) FROM posts WHERE group_id = ? AND kind = 'post' "
            "AND deleted_by IS NULL AND sent_time >= ? AND sent_time < ? GROUP BY sender_ik",
            (group_id, start, end))}
        reactions = {r[0]: r[1] for r in db.execute(
            "SELECT p.sender_ik, count(*) FROM reactions r JOIN posts p "
            "ON p.group_id = r.group_id AND p.msg_id = r.target "
            "WHERE r.group_id = ? AND p.kind = 'post' AND p.deleted_by IS NULL "
            "AND r.reactor_ik != p.sender_ik AND p.sent_time >= ? AND p.sent_time < ? "
            "GROUP BY p.sender_ik", (group_id, start, end))}
        return posts, reactions
