"""`coterie-relay migrate --from sqlite:PATH --to postgresql://…`: move a relay's data.

Copies every mailbox and message with its cursor, and the metadata of every file blob and
its stored chunks (the blob files themselves stay in `<data>/blobs`), in one PostgreSQL
transaction, then compares counts and hashes over every (mailbox, cursor, body hash, body)
and every blob and chunk row on both sides before it commits: a copy that does not match
leaves the target untouched. A target that
already holds mailboxes is refused unless `--replace` is given (which empties it first).
Stop the SQLite relay first: appends made during the copy would not be in it.
"""
from __future__ import annotations

import argparse
import hashlib
import sqlite3
import sys
from collections.abc import Iterable
from pathlib import Path

import psycopg

from relay.i18n import _, argparse_in_language
from relay.pg_schema import migrate as migrate_schema
from relay.pg_storage import conninfo, describe, is_postgres_url

MAILBOX_COLUMNS = ("id", "mailbox", "write_pk", "read_pk", "kind", "expires_at", "closed_at",
                   "touched_at", "last_cursor", "msg_count", "byte_count")
MESSAGE_COLUMNS = ("box", "cursor", "hash", "stored_at", "size", "body")
BLOB_COLUMNS = ("blob", "mailbox", "size", "read_pk", "delete_pk", "created_at", "touched_at",
                "complete")
CHUNK_COLUMNS = ("blob", "idx", "hash")
BLOB_DIGEST_SQL = ("SELECT b.blob, b.mailbox, b.size, b.read_pk, b.delete_pk, b.created_at,"
                   " b.complete, c.idx, c.hash FROM blobs b LEFT JOIN blob_chunks c"
                   " ON c.blob = b.blob ORDER BY b.blob, c.idx")
DIGEST_SQL = ("SELECT b.mailbox, m.cursor, m.hash, m.body FROM messages m"
              " JOIN mailboxes b ON m.box = b.id ORDER BY b.mailbox, m.cursor")


class MigrateError(Exception):
    """The migration was refused or did not verify; the message is one sentence."""


def _digest(rows: Iterable[tuple]) -> tuple[int, str]:
    h = hashlib.sha256()
    n = 0
    for mailbox, cursor, digest, body in rows:
        n += 1
        for part in (bytes(mailbox), cursor.to_bytes(8, "big"), bytes(digest), bytes(body)):
            h.update(len(part).to_bytes(4, "big"))
            h.update(part)
    return n, h.hexdigest()


def _blob_digest(rows: Iterable[tuple]) -> tuple[int, str]:
    h = hashlib.sha256()
    n = 0
    for row in rows:
        n += 1
        for value in row:
            part = (b"-" if value is None else bytes(value) if isinstance(value, bytes | memoryview)
                    else str(int(value)).encode())
            h.update(len(part).to_bytes(4, "big"))
            h.update(part)
    return n, h.hexdigest()


def _has_blobs(src: sqlite3.Connection) -> bool:
    return src.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                       " AND name IN ('blobs', 'blob_chunks')").fetchone()[0] == 2


def copy(source: Path, target: str, *, replace: bool = False,
         schema: str | None = None) -> tuple[int, int, int]:
    """Copy the SQLite relay database `source` into `target`; (mailboxes, messages, blobs)."""
    if not source.is_file():
        raise MigrateError(f"There is no relay database at {source}.")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        with psycopg.connect(conninfo(target, schema)) as dst:
            migrate_schema(dst)  # the blob tables too (migration 2)
            with dst.transaction():
                if (dst.execute("SELECT count(*) FROM mailboxes").fetchone()[0]
                        or dst.execute("SELECT count(*) FROM blobs").fetchone()[0]):
                    if not replace:
                        raise MigrateError(f"The database {describe(target)} already holds "
                                           "mailboxes; pass --replace to empty it first.")
                    dst.execute("TRUNCATE messages, mailboxes, used_nonces, blobs, blob_chunks")
                tables = [("mailboxes", MAILBOX_COLUMNS), ("messages", MESSAGE_COLUMNS)]
                blobs = _has_blobs(src)
                if blobs:
                    tables += [("blobs", BLOB_COLUMNS), ("blob_chunks", CHUNK_COLUMNS)]
                for table, columns in tables:
                    names = ", ".join(columns)
                    with dst.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as out:
                        for row in src.execute(f"SELECT {names} FROM {table}"):
                            out.write_row(row if table != "blobs" else (*row[:7], bool(row[7])))
                dst.execute("SELECT setval(pg_get_serial_sequence('mailboxes', 'id'),"
                            " coalesce(max(id), 0) + 1, false) FROM mailboxes")
                boxes = src.execute("SELECT count(*) FROM mailboxes").fetchone()[0]
                copied = dst.execute("SELECT count(*) FROM mailboxes").fetchone()[0]
                want = _digest(src.execute(DIGEST_SQL))
                with dst.cursor(name="verify") as cur:
                    cur.execute(DIGEST_SQL)
                    got = _digest(cur)
                want_blobs = _blob_digest(src.execute(BLOB_DIGEST_SQL)) if blobs else (0, "")
                got_blobs = _blob_digest(dst.execute(BLOB_DIGEST_SQL)) if blobs else (0, "")
                if copied != boxes or got != want or got_blobs != want_blobs:
                    raise MigrateError("The copy does not match the source; nothing was "
                                       "written.")
                blob_count = (src.execute("SELECT count(*) FROM blobs").fetchone()[0]
                              if blobs else 0)
    except psycopg.OperationalError as exc:
        raise MigrateError(f"Cannot reach the database {describe(target)}.") from exc
    finally:
        src.close()
    return boxes, want[0], blob_count


def main(argv: list[str]) -> int:
    argparse_in_language()
    p = argparse.ArgumentParser(prog="coterie-relay migrate",
                                description=_("Copy a SQLite relay database into PostgreSQL."))
    p.add_argument("--from", dest="source", required=True, help=_("sqlite:PATH of relay.db"))
    p.add_argument("--to", dest="target", required=True, help=_("postgresql:// URL"))
    p.add_argument("--replace", action="store_true",
                   help=_("empty a target that already holds mailboxes, then copy"))
    args = p.parse_args(argv)
    if not args.source.startswith("sqlite:") or not is_postgres_url(args.target):
        print("coterie-relay migrate: " + _("--from must be sqlite:PATH and --to a "
                                            "postgresql:// URL."), file=sys.stderr)
        return 2
    try:
        boxes, messages, blobs = copy(Path(args.source.removeprefix("sqlite:")).expanduser(),
                                      args.target, replace=args.replace)
    except MigrateError as err:
        print(f"coterie-relay migrate: {err}", file=sys.stderr)
        return 1
    print(_("copied {boxes} mailboxes, {messages} messages and {blobs} file blobs to "
            "{target}; counts and hashes match").format(
        boxes=boxes, messages=messages, blobs=blobs, target=describe(args.target)))
    return 0
