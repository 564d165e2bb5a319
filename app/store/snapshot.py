"""A consistent copy of the whole store, taken while it is in use (backups).

SQLite's online backup API copies every page under one read transaction: in WAL mode
writers carry on, and the copy is the database as of one commit. The copy is made with the
same raw key, so it is as encrypted as the store itself and never exists in the clear.
Every table is copied, whatever capability added it: a backup needs no list of tables.
"""
from __future__ import annotations

import os
from pathlib import Path

import sqlcipher3

from app.store.core import StorePart, reads
from app.store.errors import StoreError


class Snapshots(StorePart):
    @reads
    def copy_to(self, dest: Path, key: bytes) -> int:
        """Write the store as of now to `dest` (created 0600, must not exist); returns its size."""
        fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        target = None
        try:
            target = sqlcipher3.connect(str(dest), isolation_level=None)
            target.execute("PRAGMA cipher_log_level = NONE")
            target.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
            self._db().backup(target)
            target.execute("PRAGMA journal_mode = DELETE")
        except sqlcipher3.Error as exc:
            raise StoreError("The store could not be copied for the backup.") from exc
        finally:
            if target is not None:
                target.close()
        return dest.stat().st_size
