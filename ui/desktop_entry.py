"""Coterie in the desktop's launcher: the .desktop file and icon in the user's XDG data dir,
and Coterie as the handler of `coterie://` invite links.

`coterie --install-desktop-entry` (or the app's one-time offer) writes
  $XDG_DATA_HOME/applications/coterie.desktop        (Exec= the absolute `coterie` path, so a
                                                     pipx install works without ~/.local/bin
                                                     on the desktop session's PATH)
  $XDG_DATA_HOME/icons/hicolor/scalable/apps/coterie.svg
and sets `x-scheme-handler/coterie=coterie.desktop` under [Default Applications] in
$XDG_CONFIG_HOME/mimeapps.list (what `xdg-mime default` writes; other lines are kept as they
are). `update-desktop-database` refreshes the MIME cache when it is installed.
`--uninstall-desktop-entry` removes exactly these. XDG_DATA_HOME / XDG_CONFIG_HOME default to
~/.local/share and ~/.config (platformdirs). No Qt here: the command runs without a display.
"""
from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import platformdirs

DESKTOP_FILE = "coterie.desktop"
ICON_FILE = "coterie.svg"
SCHEME_MIME = "x-scheme-handler/coterie"
DEFAULTS_SECTION = "[Default Applications]"


@dataclass(frozen=True)
class DesktopPaths:
    desktop: Path
    icon: Path
    mimeapps: Path

    @classmethod
    def for_user(cls) -> DesktopPaths:
        data = platformdirs.user_data_path()  # $XDG_DATA_HOME or ~/.local/share on Linux
        config = platformdirs.user_config_path()  # $XDG_CONFIG_HOME or ~/.config
        return cls(desktop=data / "applications" / DESKTOP_FILE,
                   icon=data / "icons" / "hicolor" / "scalable" / "apps" / ICON_FILE,
                   mimeapps=config / "mimeapps.list")


def _shipped(name: str) -> bytes:
    return resources.files("ui").joinpath("resources", name).read_bytes()


def launcher_command() -> str:
    """The `coterie` to put in Exec=: this program's own script when it is one, else the one
    on PATH, else the bare name."""
    own = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if own is not None and own.name == "coterie" and own.exists():
        return str(own.resolve())
    found = shutil.which("coterie")
    return str(Path(found).resolve()) if found else "coterie"


def desktop_text(command: str) -> str:
    """The shipped .desktop file with Exec= pointing at `command`."""
    quoted = shlex.quote(command) if command != "coterie" else command
    lines = _shipped(DESKTOP_FILE).decode("utf-8").splitlines()
    return "\n".join(f"Exec={quoted} %u" if line.startswith("Exec=") else line
                     for line in lines) + "\n"


def is_installed(paths: DesktopPaths | None = None) -> bool:
    paths = paths or DesktopPaths.for_user()
    return paths.desktop.exists()


def install(paths: DesktopPaths | None = None, command: str | None = None) -> DesktopPaths:
    """Write the entry and icon and make Coterie the `coterie://` handler; returns the paths."""
    paths = paths or DesktopPaths.for_user()
    paths.desktop.parent.mkdir(parents=True, exist_ok=True)
    paths.icon.parent.mkdir(parents=True, exist_ok=True)
    _write(paths.desktop, desktop_text(command or launcher_command()).encode("utf-8"))
    _write(paths.icon, _shipped(ICON_FILE))
    _set_default(paths.mimeapps, SCHEME_MIME, DESKTOP_FILE)
    _refresh_cache(paths.desktop.parent)
    return paths


def uninstall(paths: DesktopPaths | None = None) -> list[Path]:
    """Remove what `install` wrote; returns the files removed."""
    paths = paths or DesktopPaths.for_user()
    removed = []
    for path in (paths.desktop, paths.icon):
        if path.exists():
            path.unlink()
            removed.append(path)
    if _set_default(paths.mimeapps, SCHEME_MIME, None):
        removed.append(paths.mimeapps)
    _refresh_cache(paths.desktop.parent)
    return removed


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _set_default(mimeapps: Path, mime: str, handler: str | None) -> bool:
    """Point `mime` at `handler` in mimeapps.list's [Default Applications] (None: drop our
    line if it names coterie.desktop). Only that one line changes. True if the file changed."""
    lines = mimeapps.read_text(encoding="utf-8").splitlines() if mimeapps.exists() else []
    out: list[str] = []
    section = None
    done = False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            if section == DEFAULTS_SECTION and handler and not done:
                out.append(f"{mime}={handler};")
                done = True
            section = stripped
        elif section == DEFAULTS_SECTION and stripped.split("=", 1)[0].strip() == mime:
            if handler:
                if not done:
                    out.append(f"{mime}={handler};")
                    done = True
                continue
            if DESKTOP_FILE in stripped.split("=", 1)[-1]:
                continue  # ours: dropped
        out.append(line)
    if handler and not done:
        if section != DEFAULTS_SECTION:  # no such section yet: add it at the end
            out.extend(([""] if out else []) + [DEFAULTS_SECTION])
        out.append(f"{mime}={handler};")
    if out == lines:
        return False
    mimeapps.parent.mkdir(parents=True, exist_ok=True)
    _write(mimeapps, ("\n".join(out) + "\n").encode("utf-8"))
    return True


def _refresh_cache(applications: Path) -> None:
    tool = shutil.which("update-desktop-database")
    if tool is None:
        return  # desktops read mimeapps.list directly; the cache only speeds lookups up
    subprocess.run([tool, str(applications)], check=False, capture_output=True, timeout=30)
