"""Where a profile lives and how durations and relay URLs typed by a person are read."""
from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs

from app.errors import InvalidInput

ENV_HOME = "COTERIE_HOME"

_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw]?)\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400, "": 3600}
MAX_INVITE_TTL = 30 * 86400


def default_profile_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """--profile when given, else COTERIE_HOME, else the platform's user data dir."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("coterie", appauthor=False))


def parse_duration(text: str) -> int:
    """Seconds in '90m', '72h', '3d', '1w' or a bare number of hours."""
    match = _DURATION.match(text or "")
    if not match:
        raise InvalidInput(f"'{text}' is not a duration; use a number with s, m, h, d or w, like 72h.")
    seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()]
    if seconds <= 0:
        raise InvalidInput("The duration must be longer than zero.")
    if seconds > MAX_INVITE_TTL:
        raise InvalidInput("Invites can last at most 30 days.")
    return seconds


def normalise_relay_url(url: str) -> str:
    """An http(s) URL with a host, without a trailing slash; anything else is refused."""
    text = (url or "").strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(f"'{url}' is not a relay address; use one like https://relay.example.org.")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise InvalidInput("A relay address carries no query, fragment or password.")
    return text.rstrip("/")
