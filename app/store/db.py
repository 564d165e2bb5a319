"""Opening the SQLCipher file: raw key, pragmas, and forward-only schema migrations.

The key is handed to SQLCipher as a raw 32-byte key (`x'…'`), so no PBKDF2 runs on open.
The schema version lives in `PRAGMA user_version`; migrations are app/migrations/NNNN_*.sql
and each runs in its own transaction together with the version bump. A database whose
version is newer than the newest migration is refused before anything is written.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import sqlcipher3

from app.i18n import _
from app.profile import private_dir
from app.store.errors import StoreError, StoreKeyError, StoreTooNew

KEY_BYTES = 32
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """Every migration shipped with this version of Coterie, in order."""
    found = []
    for entry in resources.files("app").joinpath("migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    if [m.version for m in found] != list(range(1, len(found) + 1)):
        raise StoreError(_("The store's migration files are not numbered 1, 2, 3, …; reinstall "
                           "Coterie."))
    return found


def latest_version() -> int:
    return len(migrations())


# SQLCipher's page format for new stores: its defaults (AES-256-CBC, 4 KiB pages) but pages
# authenticated with HMAC-SHA256 instead of HMAC-SHA512. Both are sound; SHA-256 has CPU
# instructions on current x86 and ARM processors and SHA-512 does not, which made storing a
# batch of posts ~15 % slower (bench/bench_store.py). Stores written before keep SHA-512:
# opening one with these settings fails its first page check, and it is opened again with
# SQLCipher's defaults (`_LEGACY`).
_CIPHER = ("PRAGMA cipher_hmac_algorithm = HMAC_SHA256",)
_LEGACY: tuple[str, ...] = ()


def keyed(path: Path, key: bytes, check_same_thread: bool = True) -> sqlcipher3.Connection:
    """A connection to the SQLCipher file at `path` with `key` and the page format the file
    was written with (new files get `_CIPHER`). StoreKeyError when neither format opens it
    (a wrong key, or not a store); sqlcipher3.Error or OSError when it cannot be opened."""
    fresh = not path.exists() or path.stat().st_size == 0
    for settings in (_CIPHER,) if fresh else (_CIPHER, _LEGACY):
        conn = sqlcipher3.connect(str(path), isolation_level=None,
                                  check_same_thread=check_same_thread)
        try:
            conn.execute("PRAGMA cipher_log_level = NONE")
            # SQLCipher parses the raw key from this string; it never reaches the disk.
            conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
            for pragma in settings:
                conn.execute(pragma)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlcipher3.DatabaseError:
            conn.close()
        except BaseException:
            conn.close()
            raise
    raise StoreKeyError(_(
        "This store cannot be opened with that key (wrong key or not a Coterie store)."))


def connect(path: Path, key: bytes) -> sqlcipher3.Connection:
    """Open (or create) the encrypted database at `path`, migrated to the latest schema."""
    if len(key) != KEY_BYTES:
        raise StoreKeyError(_("The store key must be 32 bytes."))
    existed = path.exists() and path.stat().st_size > 0
    try:
        _create_private(path)
        conn = keyed(path, key)
    except (OSError, sqlcipher3.Error):
        raise StoreError(_("The store file {path} cannot be opened; check the profile "
                           "folder exists and is writable.").format(path=path)) from None
    try:
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA busy_timeout = 5000")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        steps = migrations()
        if version > len(steps):
            raise StoreTooNew(_(
                "This profile was written by a newer Coterie (store schema {version}; this "
                "version reads up to {newest}); update Coterie to open it."
            ).format(version=version, newest=len(steps)))
        if existed and version == 0 and _has_tables(conn):
            raise StoreKeyError(_("This file is not a Coterie store."))
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA secure_delete = FAST")
        conn.execute("PRAGMA synchronous = FULL")
        for step in steps[version:]:
            _apply(conn, step)
        return conn
    except sqlcipher3.Error:
        conn.close()
        raise StoreError(_("The store could not be opened; the file may be damaged.")) from None
    except BaseException:
        conn.close()
        raise


def _create_private(path: Path) -> None:
    """Create the profile folder (0700) and an empty database file (0600) if missing.

    SQLite gives the -wal and -shm files the database file's permissions.
    """
    private_dir(path.parent)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _has_tables(conn: sqlcipher3.Connection) -> bool:
    return conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0


def _apply(conn: sqlcipher3.Connection, step: Migration) -> None:
    try:
        conn.executescript(
            f"BEGIN IMMEDIATE;\n{step.sql}\nPRAGMA user_version = {step.version};\nCOMMIT;"
        )
    except sqlcipher3.Error:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise StoreError(_(
            "The store could not be upgraded to schema {version}; it was left as it was."
        ).format(version=step.version)) from None
