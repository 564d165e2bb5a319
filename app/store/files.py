"""Files, uploads, the blob cache index and the library (schema 6): `store.files`.

Keys of files live only here (and inside signed posts); blob bytes live encrypted under the
profile's blobs/ folder (app/files.py), indexed by `blob_cache` for LRU eviction.
"""
from __future__ import annotations

from dataclasses import dataclass

from app.store.core import StorePart, reads, writes

_FILE_COLUMNS = ("group_id, msg_id, idx, blob_id, file_key, blob_hash, size, media_type, name,"
                 " width, height, thumbnail, sender_ik, sent_time, channel_id, caption,"
                 " delete_seed, deleted")
_UPLOAD_FILE_COLUMNS = ("idx, blob_id, file_key, blob_hash, delete_seed, size, media_type,"
                        " name, width, height, thumbnail, stored, source")


@dataclass(frozen=True)
class FileRow:
    group_id: bytes
    msg_id: bytes
    idx: int
    blob_id: bytes
    file_key: bytes
    blob_hash: bytes
    size: int
    media_type: str
    name: str
    width: int
    height: int
    thumbnail: bytes
    sender_ik: bytes
    sent_time: int
    channel_id: bytes
    caption: str
    delete_seed: bytes | None = None
    deleted: bool = False


@dataclass(frozen=True)
class UploadFile:
    idx: int
    blob_id: bytes
    file_key: bytes
    blob_hash: bytes
    delete_seed: bytes
    size: int
    media_type: str
    name: str
    width: int = 0
    height: int = 0
    thumbnail: bytes = b""
    stored: bool = False
    # The file still being encrypted into the outbox (None once the encrypted copy is
    # complete and `blob_hash` is set): a resume encrypts it again from here.
    source: str | None = None


@dataclass(frozen=True)
class Upload:
    id: int
    group_id: bytes
    created_at: int
    caption: str
    channel_id: bytes
    reply_to: bytes | None
    state: str
    msg_id: bytes | None
    files: tuple[UploadFile, ...]


@dataclass(frozen=True)
class LibraryRow:
    group_id: bytes
    item_id: bytes
    target: bytes
    author_ik: bytes
    added_time: int
    title: str
    description: str
    tags: tuple[str, ...]
    link: str
    pinned: bool


@dataclass(frozen=True)
class EditOrder:
    """Where an admin's tag edit or pin stands among all of an item's: later wins."""
    sent_time: int
    author_ik: bytes
    seq: int              # (epoch << 32) | sequence number: the author's own order
    msg_id: bytes

    @classmethod
    def of(cls, sent_time: int, author_ik: bytes, epoch: int, seq: int,
           msg_id: bytes) -> EditOrder:
        """Sequence numbers start again in each epoch, so the epoch orders first (as in
        the moderation log)."""
        return cls(sent_time, author_ik, (epoch << 32) | seq, msg_id)


TagOrder = EditOrder       # the name tag edits were introduced under


def _file(row: tuple) -> FileRow:
    return FileRow(*(bytes(v) if isinstance(v, memoryview) else v for v in row[:17]),
                   bool(row[17]))


class FileTables(StorePart):
    # -- uploads (the attachment outbox) ---------------------------------------------------
    @writes(durable=True)
    def add_upload(self, group_id: bytes, now: int, caption: str, channel_id: bytes,
                   reply_to: bytes | None, files: list[UploadFile]) -> int:
        conn = self._db()
        cur = conn.execute("INSERT INTO uploads (group_id, created_at, caption, channel_id,"
                           " reply_to) VALUES (?, ?, ?, ?, ?)",
                           (group_id, now, caption, channel_id, reply_to))
        upload_id = int(cur.lastrowid or 0)
        conn.executemany(
            f"INSERT INTO upload_files (upload_id, {_UPLOAD_FILE_COLUMNS}) VALUES"
            " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(upload_id, f.idx, f.blob_id, f.file_key, f.blob_hash, f.delete_seed, f.size,
              f.media_type, f.name, f.width, f.height, f.thumbnail, int(f.stored), f.source)
             for f in files])
        return upload_id

    def _upload(self, row: tuple) -> Upload:
        files = tuple(UploadFile(*r[:11], bool(r[11]), r[12]) for r in self._db().execute(
            f"SELECT {_UPLOAD_FILE_COLUMNS} FROM upload_files WHERE upload_id = ?"
            " ORDER BY idx", (row[0],)))
        return Upload(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], files)

    @reads
    def get_upload(self, upload_id: int) -> Upload | None:
        row = self._db().execute("SELECT id, group_id, created_at, caption, channel_id, reply_to,"
                                 " state, msg_id FROM uploads WHERE id = ?",
                                 (upload_id,)).fetchone()
        return None if row is None else self._upload(row)

    @reads
    def pending_uploads(self) -> list[Upload]:
        rows = self._db().execute("SELECT id, group_id, created_at, caption, channel_id,"
                                  " reply_to, state, msg_id FROM uploads"
                                  " WHERE state = 'uploading' ORDER BY id").fetchall()
        return [self._upload(r) for r in rows]

    @writes(durable=True)
    def seal_upload_file(self, upload_id: int, idx: int, blob_hash: bytes,
                         stored: bool = False) -> None:
        """The file no longer needs its source: its encrypted copy is complete and durable
        (here, or on the relay: `stored`). Its hash is set and its source cleared."""
        self._db().execute("UPDATE upload_files SET blob_hash = ?, source = NULL,"
                           " stored = stored OR ? WHERE upload_id = ? AND idx = ?",
                           (blob_hash, int(stored), upload_id, idx))

    @writes(durable=True)
    def renew_upload_file(self, upload_id: int, idx: int, blob_id: bytes, file_key: bytes,
                          delete_seed: bytes) -> None:
        """A new blob id and keys for a file whose encryption was cut short."""
        self._db().execute("UPDATE upload_files SET blob_id = ?, file_key = ?, delete_seed = ?,"
                           " stored = 0 WHERE upload_id = ? AND idx = ? AND source IS NOT NULL",
                           (blob_id, file_key, delete_seed, upload_id, idx))

    @writes(durable=True)
    def mark_stored(self, upload_id: int, idx: int) -> None:
        self._db().execute("UPDATE upload_files SET stored = 1 WHERE upload_id = ? AND idx = ?",
                           (upload_id, idx))

    def finish_upload(self, upload_id: int, msg_id: bytes) -> bool:
        """Inside the caller's transaction: mark sent; False if it was not still uploading
        (so the post is never sealed twice)."""
        cur = self._db().execute("UPDATE uploads SET state = 'sent', msg_id = ? WHERE id = ?"
                                 " AND state = 'uploading'", (msg_id, upload_id))
        return cur.rowcount == 1

    @writes(durable=True)
    def cancel_upload(self, upload_id: int) -> bool:
        cur = self._db().execute("UPDATE uploads SET state = 'cancelled' WHERE id = ?"
                                 " AND state = 'uploading'", (upload_id,))
        return cur.rowcount == 1

    # -- files of posts --------------------------------------------------------------------
    def insert_files(self, rows: list[FileRow]) -> None:
        """Inside the caller's transaction (with the post row)."""
        self._db().executemany(
            f"INSERT OR IGNORE INTO files ({_FILE_COLUMNS}) VALUES"
            " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(r.group_id, r.msg_id, r.idx, r.blob_id, r.file_key, r.blob_hash, r.size,
              r.media_type, r.name, r.width, r.height, r.thumbnail, r.sender_ik, r.sent_time,
              r.channel_id, r.caption, r.delete_seed, int(r.deleted)) for r in rows])

    @writes(durable=False)
    def add_files(self, rows: list[FileRow]) -> None:
        self.insert_files(rows)

    @reads
    def post_files(self, group_id: bytes, msg_id: bytes) -> list[FileRow]:
        return [_file(r) for r in self._db().execute(
            f"SELECT {_FILE_COLUMNS} FROM files WHERE group_id = ? AND msg_id = ? ORDER BY idx",
            (group_id, msg_id))]

    @reads
    def files_for(self, group_id: bytes, msg_ids: list[bytes]) -> dict[bytes, list[FileRow]]:
        """The files of those posts that have any, by post (one query per 500 posts)."""
        out: dict[bytes, list[FileRow]] = {}
        for i in range(0, len(msg_ids), 500):
            part = msg_ids[i:i + 500]
            marks = ",".join("?" * len(part))
            for r in self._db().execute(
                    f"SELECT {_FILE_COLUMNS} FROM files WHERE group_id = ? AND deleted = 0"
                    f" AND msg_id IN ({marks}) ORDER BY msg_id, idx", (group_id, *part)):
                row = _file(r)
                out.setdefault(row.msg_id, []).append(row)
        return out

    @reads
    def group_files(self, group_id: bytes, limit: int = 1000) -> list[FileRow]:
        return [_file(r) for r in self._db().execute(
            f"SELECT {_FILE_COLUMNS} FROM files WHERE group_id = ? AND deleted = 0"
            " AND NOT EXISTS (SELECT 1 FROM posts p WHERE p.group_id = files.group_id"
            " AND p.msg_id = files.msg_id AND p.deleted_by IS NOT NULL)"
            " ORDER BY sent_time DESC, msg_id, idx LIMIT ?", (group_id, limit))]

    @reads
    def files_of_blob(self, blob_id: bytes) -> list[FileRow]:
        return [_file(r) for r in self._db().execute(
            f"SELECT {_FILE_COLUMNS} FROM files WHERE blob_id = ?", (blob_id,))]

    def delete_files(self, group_id: bytes, msg_id: bytes, sender_ik: bytes) -> list[bytes]:
        """Inside the caller's transaction: the sender's files of `msg_id` are deleted; the
        blob ids that went (none when `sender_ik` did not send that post)."""
        conn = self._db()
        rows = conn.execute("SELECT blob_id FROM files WHERE group_id = ? AND msg_id = ?"
                            " AND sender_ik = ? AND deleted = 0",
                            (group_id, msg_id, sender_ik)).fetchall()
        conn.execute("UPDATE files SET deleted = 1, file_key = zeroblob(32) WHERE group_id = ?"
                     " AND msg_id = ? AND sender_ik = ?", (group_id, msg_id, sender_ik))
        return [bytes(r[0]) for r in rows]

    # -- the blob cache index --------------------------------------------------------------
    # `used_at` is a use counter (the next use gets max + 1), so order is exact even
    # within one second; `now` is accepted for callers that think in time.
    @writes(durable=False)
    def cache_put(self, blob_id: bytes, size: int, now: int) -> None:
        self._db().execute("INSERT INTO blob_cache (blob_id, size, used_at) VALUES (?, ?,"
                           " (SELECT coalesce(max(used_at), 0) + 1 FROM blob_cache))"
                           " ON CONFLICT (blob_id) DO UPDATE SET size = excluded.size,"
                           " used_at = excluded.used_at", (blob_id, size))

    @writes(durable=False)
    def cache_touch(self, blob_id: bytes, now: int) -> None:
        self._db().execute("UPDATE blob_cache SET used_at = (SELECT coalesce(max(used_at), 0)"
                           " + 1 FROM blob_cache) WHERE blob_id = ?", (blob_id,))

    @writes(durable=False)
    def cache_forget(self, blob_ids: list[bytes]) -> None:
        self._db().executemany("DELETE FROM blob_cache WHERE blob_id = ?",
                               [(b,) for b in blob_ids])

    @reads
    def cache_has(self, blob_id: bytes) -> bool:
        return self._db().execute("SELECT 1 FROM blob_cache WHERE blob_id = ?",
                                  (blob_id,)).fetchone() is not None

    @reads
    def cache_lru(self) -> list[tuple[bytes, int]]:
        """(blob id, size) of every cached blob, least recently used first."""
        return [(bytes(r[0]), r[1]) for r in self._db().execute(
            "SELECT blob_id, size FROM blob_cache ORDER BY used_at, blob_id")]

    @reads
    def pinned_blobs(self) -> set[bytes]:
        """Blobs an upload still needs (never evicted)."""
        return {bytes(r[0]) for r in self._db().execute(
            "SELECT f.blob_id FROM upload_files f JOIN uploads u ON u.id = f.upload_id"
            " WHERE u.state = 'uploading'")}

    # -- library ---------------------------------------------------------------------------
    def library_add(self, row: LibraryRow) -> None:
        conn = self._db()
        conn.execute(
            "INSERT OR IGNORE INTO library (group_id, item_id, target, author_ik, added_time,"
            " title, description, tags, link) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (row.group_id, row.item_id, row.target, row.author_ik, row.added_time, row.title,
             row.description, "\n".join(row.tags), row.link))
        # a tag edit or pin that arrived before its item (reordered delivery) applies now
        for table, column in (("library_tag_edits", "tags"), ("library_pin_edits", "pinned")):
            conn.execute(f"UPDATE library SET {column} = e.{column} FROM {table} e"
                         " WHERE e.group_id = library.group_id AND e.item_id = library.item_id"
                         " AND library.group_id = ? AND library.item_id = ?",
                         (row.group_id, row.item_id))

    def library_remove(self, group_id: bytes, item_id: bytes, by: bytes, admin: bool) -> bool:
        cur = self._db().execute(
            "UPDATE library SET removed = 1 WHERE group_id = ? AND item_id = ?"
            " AND (author_ik = ? OR ?)", (group_id, item_id, by, int(admin)))
        return cur.rowcount == 1

    def library_pin(self, group_id: bytes, item_id: bytes, pinned: bool,
                    order: EditOrder) -> bool:
        """An admin's pin or unpin: it sets the item's pin only if it comes after the pin or
        unpin in effect in the order (signed time, author, seq, message id), so a concurrent
        pin and unpin leave every client with the same state. True if it took effect."""
        return self._last_edit("library_pin_edits", "pinned", group_id, item_id, int(pinned),
                               order)

    def library_tags(self, group_id: bytes, item_id: bytes, tags: tuple[str, ...],
                     order: EditOrder) -> bool:
        """An admin's tag edit: it replaces the item's tags only if it comes after the edit
        in effect in the order (signed time, author, seq, message id), so every client ends
        with the same tags whatever order the edits arrived in. True if it took effect."""
        return self._last_edit("library_tag_edits", "tags", group_id, item_id, "\n".join(tags),
                               order)

    def _last_edit(self, table: str, column: str, group_id: bytes, item_id: bytes,
                   value: object, order: EditOrder) -> bool:
        """Keep, per item, the edit last in `order` in `table` (which waits there for an item
        not stored yet) and copy its value into the library row's `column`."""
        conn = self._db()
        cur = conn.execute(
            f"INSERT INTO {table} (group_id, item_id, {column}, sent_time, author_ik, seq,"
            f" msg_id) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (group_id, item_id) DO UPDATE"
            f" SET {column} = excluded.{column}, sent_time = excluded.sent_time,"
            f" author_ik = excluded.author_ik, seq = excluded.seq, msg_id = excluded.msg_id"
            f" WHERE (excluded.sent_time, excluded.author_ik, excluded.seq, excluded.msg_id)"
            f" > ({table}.sent_time, {table}.author_ik, {table}.seq, {table}.msg_id)",
            (group_id, item_id, value, order.sent_time, order.author_ik, order.seq,
             order.msg_id))
        if cur.rowcount != 1:
            return False
        conn.execute(f"UPDATE library SET {column} = ? WHERE group_id = ? AND item_id = ?",
                     (value, group_id, item_id))
        return True

    @reads
    def library(self, group_id: bytes) -> list[LibraryRow]:
        return [LibraryRow(bytes(r[0]), bytes(r[1]), bytes(r[2]), bytes(r[3]), r[4], r[5], r[6],
                           tuple(t for t in r[7].split("\n") if t), r[8], bool(r[9]))
                for r in self._db().execute(
                    "SELECT group_id, item_id, target, author_ik, added_time, title,"
                    " description, tags, link, pinned FROM library WHERE group_id = ?"
                    " AND removed = 0 ORDER BY pinned DESC, added_time DESC", (group_id,))]
