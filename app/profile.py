"""Where a profile lives and how durations and relay URLs typed by a person are read."""
from __future__ import annotations

import ipaddress
import os
import re
import socket
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs

from app.errors import InvalidInput
from app.i18n import _

ENV_HOME = "COTERIE_HOME"
# A recovery code for restoring a backup (app/backup.py), read from the environment by the CLI.
ENV_RECOVERY = "COTERIE_RECOVERY_CODE"

# ASCII digits only: int() would also take full-width and other scripts' digits.
_DURATION = re.compile(r"^\s*([0-9]+)\s*([smhdw]?)\s*$", re.IGNORECASE | re.ASCII)
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


def private_dir(path: Path) -> Path:
    """Create the profile folder 0700 (parents as the umask says), or tighten an existing
    one to 0700: it holds the wrapped key and the store, and its file names and sizes are
    nobody else's business."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.name == "posix" and path.stat().st_mode & 0o077:
        os.chmod(path, 0o700)
    return path


def parse_duration(text: str) -> int:
    """Seconds in '90m', '72h', '3d', '1w' or a bare number of hours."""
    match = _DURATION.match(text or "")
    if not match:
        raise InvalidInput(_("'{text}' is not a duration; use a number with s, m, h, d or w, like 72h.").format(text=text))
    if len(match.group(1).lstrip("0")) > 9:  # far beyond the cap; int() of thousands of digits fails
        raise InvalidInput(_("Invites can last at most 30 days."))
    seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()]
    if seconds <= 0:
        raise InvalidInput(_("The duration must be longer than zero."))
    if seconds > MAX_INVITE_TTL:
        raise InvalidInput(_("Invites can last at most 30 days."))
    return seconds


def normalise_relay_url(url: str) -> str:
    """An http(s) URL with a host, without credentials, query or fragment, and with a plain
    path (no empty, "." or ".." segments, no trailing slash); anything else is refused.

    The same rules hold for an address typed in the settings and one read from an invite
    link: a link must not make the client send credentials (as Basic auth), swallow the API
    path into a query, or climb out of the relay's path.
    """
    text = (url or "").strip()
    refused = InvalidInput(_("'{url}' is not a relay address; use one like "
                             "https://relay.example.org.").format(url=url))
    if any(ord(c) < 33 or c in "\\%" for c in text):
        raise refused
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError on a port out of range or not a number
    except ValueError:
        raise refused from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise refused
    if "?" in text or "#" in text or "@" in parts.netloc:
        raise InvalidInput(_("A relay address carries no query, fragment or password."))
    segments = [s for s in parts.path.split("/") if s]
    if any(s in (".", "..") for s in segments) or "//" in parts.path:
        raise InvalidInput(_("A relay address has a plain path, without '.', '..' or '//'."))
    path = "".join("/" + s for s in segments)
    return f"{parts.scheme}://{parts.netloc}{path}"


def relay_address_kind(url: str) -> str | None:
    """What the relay's host is, when it is not a public internet address: "this computer",
    "your local network" or "a link-local address"; None for anything else.

    Only the address as written is judged (no name is looked up): IP literals in any form the
    resolver would read (127.1, 2130706433, ::ffff:10.0.0.1), and the names localhost,
    *.localhost and *.local.
    """
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return _("this computer")
    if host.endswith(".local"):
        return _("your local network")
    address = _ip(host)
    if address is None:
        return None
    if address.is_loopback or address.is_unspecified:
        return _("this computer")
    if address.is_link_local:
        return _("a link-local address")
    if address.is_private or address.is_reserved or address.is_multicast or (
            isinstance(address, ipaddress.IPv4Address) and address in _SHARED):
        return _("your local network")
    return None


def relay_host(url: str) -> str:
    """The relay's host (and port when given) as a person should see it before contact."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    shown = f"[{host}]" if ":" in host else host
    try:
        port = parts.port
    except ValueError:
        port = None
    return shown if port is None else f"{shown}:{port}"


_SHARED = ipaddress.IPv4Network("100.64.0.0/10")  # carrier-grade NAT: not the internet


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        # The resolver also reads shorthand IPv4 such as 127.1, 0x7f.1 or 2130706433.
        if not host or not all(c in "0123456789abcdefx." for c in host):
            return None
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address
