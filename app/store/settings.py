"""Settings: small named values of this profile (name, default relay, theme, ...)."""
from __future__ import annotations

from app.store.core import StorePart, reads, writes


class SettingsTable(StorePart):
    """Key/value settings of this profile."""

    @reads
    def get(self, key: str, default: str | None = None) -> str | None:
        row = self._db().execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return default if row is None else row[0]

    @writes(durable=True)
    def set(self, key: str, value: str) -> None:
        self._db().execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    @reads
    def all(self) -> dict[str, str]:
        return dict(self._db().execute("SELECT key, value FROM settings").fetchall())
