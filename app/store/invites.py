"""Invites I issued, join requests waiting for an admin, and my own joins."""
from __future__ import annotations

from app.i18n import _
from app.store.core import StorePart, reads, writes
from app.store.errors import NotStored
from app.store.records import Invite, JoinRequest, MyJoin, RequestState

_INVITE = ("id, group_id, link, secret, uses_total, uses_remaining, created, expires, revoked")
_REQUEST = ("id, group_id, invite_id, joiner_name, fingerprint, joiner_ik, raw, state, "
            "received, decided")
_JOIN = "id, relay_url, group_name, state, message, group_id, blob, created, updated"


def _invite(r: tuple) -> Invite:
    return Invite(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], bool(r[8]))


class InviteTables(StorePart):
    """Both sides of joining: what I issued and decide on, and what I asked for."""

    # -- invites ------------------------------------------------------------------------------
    @writes(durable=True)
    def drop_all(self) -> None:
        """Forget every invite, join request and join attempt: a restored profile that became
        a device of its member leaves them to the device sealing as the identity key
        (app/device_restore.py), as a link copy does (app/store/device_copy.py)."""
        db = self._db()
        for table in ("invites", "join_requests", "my_joins"):
            db.execute(f"DELETE FROM {table}")   # noqa: S608 - fixed names

    @writes(durable=True)
    def add_invite(self, invite: Invite) -> None:
        self._db().execute(
            f"INSERT INTO invites ({_INVITE}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (invite.id, invite.group_id, invite.link, invite.secret, invite.uses_total,
             invite.uses_remaining, invite.created, invite.expires, int(invite.revoked)))

    @reads
    def get_invite(self, invite_id: bytes) -> Invite | None:
        row = self._db().execute(f"SELECT {_INVITE} FROM invites WHERE id = ?",
                                 (invite_id,)).fetchone()
        return None if row is None else _invite(row)

    @reads
    def list_invites(self, group_id: bytes) -> list[Invite]:
        rows = self._db().execute(
            f"SELECT {_INVITE} FROM invites WHERE group_id = ? ORDER BY created, id", (group_id,))
        return [_invite(r) for r in rows]

    @writes(durable=True)
    def use_invite(self, invite_id: bytes) -> int:
        """Take one use of an invite; returns the uses left. NotStored when none can be taken."""
        conn = self._db()
        cur = conn.execute(
            "UPDATE invites SET uses_remaining = uses_remaining - 1 "
            "WHERE id = ? AND revoked = 0 AND uses_remaining > 0", (invite_id,))
        if cur.rowcount == 0:
            raise NotStored(_("That invite is unknown, revoked or used up."))
        return conn.execute("SELECT uses_remaining FROM invites WHERE id = ?",
                            (invite_id,)).fetchone()[0]

    @writes(durable=True)
    def revoke_invite(self, invite_id: bytes) -> bool:
        cur = self._db().execute("UPDATE invites SET revoked = 1 WHERE id = ?", (invite_id,))
        return cur.rowcount > 0

    # -- join requests (admin side) ---------------------------------------------------------
    @writes(durable=True)
    def add_join_request(self, request: JoinRequest) -> bool:
        """Keep a request; False when its id is already stored (a replay changes nothing)."""
        cur = self._db().execute(
            f"INSERT INTO join_requests ({_REQUEST}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO NOTHING",
            (request.id, request.group_id, request.invite_id, request.joiner_name,
             request.fingerprint, request.joiner_ik, request.raw, request.state,
             request.received, request.decided))
        return cur.rowcount > 0

    @reads
    def get_join_request(self, request_id: bytes) -> JoinRequest | None:
        row = self._db().execute(f"SELECT {_REQUEST} FROM join_requests WHERE id = ?",
                                 (request_id,)).fetchone()
        return None if row is None else JoinRequest(*row)

    @reads
    def list_join_requests(self, group_id: bytes | None = None,
                           state: RequestState | None = "pending") -> list[JoinRequest]:
        """Requests in `state` (None: any), for one group or all, oldest first."""
        rows = self._db().execute(
            f"SELECT {_REQUEST} FROM join_requests WHERE (?1 IS NULL OR state = ?1) "
            "AND (?2 IS NULL OR group_id = ?2) ORDER BY received, id", (state, group_id))
        return [JoinRequest(*r) for r in rows]

    @writes(durable=True)
    def set_join_request_state(self, request_id: bytes, state: RequestState, now: int) -> None:
        cur = self._db().execute("UPDATE join_requests SET state = ?, decided = ? WHERE id = ?",
                                 (state, now, request_id))
        if cur.rowcount == 0:
            raise NotStored(_("That join request is not stored."))

    # -- my own joins (joiner side) ---------------------------------------------------------
    @writes(durable=True)
    def save_my_join(self, join: MyJoin) -> None:
        self._db().execute(
            f"INSERT INTO my_joins ({_JOIN}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET relay_url = excluded.relay_url, "
            "group_name = excluded.group_name, state = excluded.state, "
            "message = excluded.message, group_id = excluded.group_id, blob = excluded.blob, "
            "updated = excluded.updated",
            (join.id, join.relay_url, join.group_name, join.state, join.message, join.group_id,
             join.blob, join.created, join.updated))

    @reads
    def list_my_joins(self) -> list[MyJoin]:
        return [MyJoin(*r) for r in self._db().execute(
            f"SELECT {_JOIN} FROM my_joins ORDER BY created, id")]

    @writes(durable=True)
    def delete_my_join(self, join_id: bytes) -> None:
        self._db().execute("DELETE FROM my_joins WHERE id = ?", (join_id,))
