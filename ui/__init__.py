"""The desktop app (PySide6). Talks to app/ services only."""
