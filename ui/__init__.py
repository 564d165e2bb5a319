"""The desktop app (PySide6). Talks to app/ services only."""
from ui.refcount_guard import guard_singletons

guard_singletons()
