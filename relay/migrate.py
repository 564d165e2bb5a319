"""`coterie-relay migrate --from sqlite:PATH --to postgresql://…`: move a relay's data.

Copies every mailbox and message with its cursor, in one PostgreSQL transaction, then
compares counts and a hash over every (mailbox, cursor, body hash, body) on both sides
before it commits: a copy that does not match leaves the target untouched. A target that
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

from relay.pg_schema import migrate as migrate_schema
from relay.pg_storage import conninfo, describe, is_postgres_url

MAILBOX_COLUMNS = ("id", "mailbox", "write_pk", "read_pk", "kind", "expires_at", "closed_at",
                   "touched_at", "last_cursor", "msg_count", "byte_count")
MESSAGE_COLUMNS = ("box", "cursor", "hash", "stored_at", "size", "body")
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


def copy(source: Path, target: str, *, replace: bool = False,
         schema: str | None = None) -> tuple[int, int]:
    """Copy the SQLite relay database `source` into `target`; (mailboxes, messages)."""
    if not source.is_file():
        raise MigrateError(f"There is no relay database at {source}.")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        with psycopg.connect(conninfo(target, schema)) as dst:
            migrate_schema(dst)
            with dst.transaction():
                if dst.execute("SELECT count(*) FROM mailboxes").fetchone()[0]:
                    if not replace:
                        raise MigrateError(f"The database {describe(target)} already holds "
                                           "mailboxes; pass --replace to empty it first.")
                    dst.execute("TRUNCATE messages, mailboxes, used_nonces")
                for table, columns in (("mailboxes", MAILBOX_COLUMNS),
                                       ("messages", MESSAGE_COLUMNS)):
                    names = ", ".join(columns)
                    with dst.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as out:
                        for row in src.execute(f"SELECT {names} FROM {table}"):
                            out.write_row(row)
                dst.execute("SELECT setval(pg_get_serial_sequence('mailboxes', 'id'),"
                            " coalesce(max(id), 0) + 1, false) FROM mailboxes")
                boxes = src.execute("SELECT count(*) FROM mailboxes").fetchone()[0]
                copied = dst.execute("SELECT count(*) FROM mailboxes").fetchone()[0]
                want = _digest(src.execute(DIGEST_SQL))
                with dst.cursor(name="verify") as cur:
                    cur.execute(DIGEST_SQL)
                    got = _digest(cur)
                if copied != boxes or got != want:
                    raise MigrateError("The copy does not match the source; nothing was "
                                       "written.")
    except psycopg.OperationalError as exc:
        raise MigrateError(f"Cannot reach the database {describe(target)}.") from exc
    finally:
        src.close()
    return boxes, want[0]


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="coterie-relay migrate",
                                description="Copy a SQLite relay database into PostgreSQL.")
    p.add_argument("--from", dest="source", required=True, help="sqlite:PATH of relay.db")
    p.add_argument("--to", dest="target", required=True, help="postgresql:// URL")
    p.add_argument("--replace", action="store_true",
                   help="empty a target that already holds mailboxes, then copy")
    args = p.parse_args(argv)
    if not args.source.startswith("sqlite:") or not is_postgres_url(args.target):
        print("coterie-relay migrate: --from must be sqlite:PATH and --to a postgresql:// "
              "URL.", file=sys.stderr)
        return 2
    try:
        boxes, messages = copy(Path(args.source.removeprefix("sqlite:")).expanduser(),
                               args.target, replace=args.replace)
    except MigrateError as err:
        print(f"coterie-relay migrate: {err}", file=sys.stderr)
        return 1
    print(f"copied {boxes} mailboxes and {messages} messages to {describe(args.target)}; "
          "counts and hashes match")
    return 0
