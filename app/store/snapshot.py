"""A consistent copy of the whole store, taken while it is in use (backups).

The copy is made of the encrypted pages as they are, without decrypting them: on the store's
own thread, `BEGIN IMMEDIATE` takes SQLite's write lock, so no connection (in this process or
another one) can append to the write-ahead log; the database file and the log are copied
byte for byte; the lock is released. Opening the copy replays the committed frames of its log
over its database file, which is then the store as of the last commit before the lock (a
checkpoint another process may run meanwhile only writes into the database file pages that
are also in the log, so the replay repairs whatever the copy caught half-written). The copy
is then folded into one file (journal mode DELETE).

Writers wait only while the files are copied (a tenth of a second for 70 MB here); the
SQLite backup API, which re-encrypts every page, took 25 times longer. The copy keeps the
same raw key and is never in the clear. Every table is copied, whatever capability added
it: a backup needs no list of tables.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import sqlcipher3

from app.i18n import _
from app.store.core import StorePart, reads
from app.store.db import keyed
from app.store.errors import StoreError

_SIDE = ("-wal", "-shm", "-journal")


class Snapshots(StorePart):
    @reads
    def copy_to(self, dest: Path, key: bytes) -> int:
        """Write the store as of now to `dest` (created 0600, must not exist); returns its size."""
        source = self._core.path
        fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        wal = Path(f"{source}-wal")
        dest_wal = Path(f"{dest}-wal")
        conn = self._db()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                shutil.copyfile(source, dest)
                if wal.exists() and wal.stat().st_size:
                    os.close(os.open(dest_wal, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
                    shutil.copyfile(wal, dest_wal)
            finally:
                conn.execute("ROLLBACK")
            copy = keyed(dest, key)
            try:
                copy.execute("PRAGMA journal_mode = DELETE")   # replays and folds the log
            finally:
                copy.close()
        except (sqlcipher3.Error, OSError) as exc:
            raise StoreError(_("The store could not be copied for the backup.")) from exc
        finally:
            for side in _SIDE:
                try:
                    Path(f"{dest}{side}").unlink()
                except FileNotFoundError:
                    pass
        return dest.stat().st_size
