"""A copy of the store made for a new linked device (app/devices.py; app/device_copy_pack.py
packs it).

The linking device takes a snapshot (app/store/snapshot.py) and turns it here, still
encrypted, into what the new device starts from: its own group states, no identity key of
the member (a placeholder the new device replaces with its own keys), nothing to send
(outbox, uploads and join attempts belong to the device that queued them), no admin duties
(invites and join requests stay with the device holding the identity key), no backup key;
then re-encrypts it under a one-time key sent with it.
"""
from __future__ import annotations

from pathlib import Path

from app.store.db import connect

# tables whose rows stay with the device that made them
_DROP = ("outbox", "my_joins", "upload_files", "uploads", "join_requests", "invites")
# full-text indexes over content the copy carries: emptied before sending (they are about
# half of a store and the new device rebuilds them from the posts in a fraction of the time
# their bytes take through the relay)
_FTS = ("posts_fts", "library_fts")
# a link without history (`device link --no-history`): the groups' past content stays behind
# (posts with their reactions, threads, polls, events, files and the library); the groups,
# members, key state, channels, roles, rules, profiles, moderation records, integrity
# warnings and the pins with their history (the 50-pin cap is judged on it) go
_HISTORY = ("posts", "reactions", "pending_changes", "threads", "files", "blob_cache",
            "library", "library_tag_edits", "library_pin_edits", "polls", "poll_votes",
            "poll_ballots", "poll_closes", "poll_held_tallies", "events", "event_held_updates",
            "event_rsvps", "held_posts")


_INDEXES = "link_indexes"   # in the copy only: the indexes it travels without (see prepare)


def _fts_tables(conn) -> list[str]:  # type: ignore[no-untyped-def]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    return [t for t in _FTS if t in tables]


def prepare(path: Path, key: bytes, new_key: bytes, identity_blob: bytes,
            states: dict[bytes, bytes], settings: dict[str, str], *,
            history: bool = True) -> None:
    """Rewrite the snapshot at `path` (opened with `key`) for a new device, then re-key it
    to `new_key`; without `history` the groups' past content is left out."""
    conn = connect(path, key)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE identity SET blob = ?", (identity_blob,))
        for gid, blob in states.items():
            conn.execute("UPDATE groups SET state = ? WHERE id = ?", (blob, gid))
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        for table in _DROP:
            if table in tables:
                conn.execute(f"DELETE FROM {table}")   # noqa: S608 - fixed names
        if not history:
            for table in _HISTORY:
                if table in tables:
                    conn.execute(f"DELETE FROM {table}")   # noqa: S608 - fixed names
            # nothing left to read; post ids start again, so no read position may stay
            conn.execute("UPDATE channels SET last_read = 0, unread = 0, mentions = 0")
            conn.execute("UPDATE groups SET unread = 0")
        conn.execute("DELETE FROM settings WHERE key LIKE 'backup.%' OR key LIKE 'device.%'")
        for k, v in settings.items():
            conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) "
                         "DO UPDATE SET value = excluded.value", (k, v))
        for fts in _fts_tables(conn):
            conn.execute(f"INSERT INTO {fts} ({fts}) VALUES ('delete-all')")  # noqa: S608
        # the indexes too travel as their definitions alone: a few hundred bytes instead of
        # a third of the rows' size, and the new device builds them faster than the relay
        # would carry them
        indexes = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                               "AND sql IS NOT NULL").fetchall()
        conn.execute(f"CREATE TABLE {_INDEXES} (name TEXT PRIMARY KEY, sql TEXT NOT NULL)")
        for name, sql in indexes:
            conn.execute(f"INSERT INTO {_INDEXES} (name, sql) VALUES (?, ?)",  # noqa: S608
                         (name, sql))
            conn.execute(f'DROP INDEX "{name}"')
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("VACUUM")
        conn.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")
    finally:
        conn.close()


def rekey(path: Path, key: bytes, new_key: bytes, identity_blob: bytes,
          settings: dict[str, str]) -> None:
    """On the new device: take the copy under its own store key and its own identity."""
    conn = connect(path, key)
    try:
        # re-keyed first: the indexes built below are then written once, under the new key
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE identity SET blob = ?", (identity_blob,))   # the name stays the member's
        for k, v in settings.items():
            conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) "
                         "DO UPDATE SET value = excluded.value", (k, v))
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if _INDEXES in tables:          # the copy comes without its indexes (see prepare)
            for (sql,) in conn.execute(f"SELECT sql FROM {_INDEXES}").fetchall():  # noqa: S608
                if sql.startswith(("CREATE INDEX ", "CREATE UNIQUE INDEX ")):
                    conn.execute(sql)
            conn.execute(f"DROP TABLE {_INDEXES}")
        for fts in _fts_tables(conn):   # nor its search indexes
            conn.execute(f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')")  # noqa: S608
        conn.execute("COMMIT")
    finally:
        conn.close()
