"""My identity: the one row holding my long-term keys and the name I chose."""
from __future__ import annotations

from app.store.core import StorePart, reads, writes
from app.store.records import Identity


class IdentityTable(StorePart):
    """The identity row (there is at most one)."""

    @reads
    def get(self) -> Identity | None:
        row = self._db().execute("SELECT blob, display_name, created FROM identity").fetchone()
        return None if row is None else Identity(row[0], row[1], row[2])

    @writes(durable=True)
    def save(self, blob: bytes, display_name: str, now: int) -> None:
        """Create or replace my identity (created time is kept on replace)."""
        self._db().execute(
            "INSERT INTO identity (id, blob, display_name, created) VALUES (1, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET blob = excluded.blob, "
            "display_name = excluded.display_name",
            (blob, display_name, now))
