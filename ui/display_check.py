"""Before Qt loads a platform plugin: is there a display, and are the xcb libraries there?

Qt aborts with a bare "could not load the Qt platform plugin" when, for instance,
libxcb-cursor0 is absent; Coterie instead names the packages to install. The check loads
each shared object through the dynamic loader (ctypes), which is exactly what Qt will do.
This module must not import PySide6.
"""
from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from app.i18n import _


@dataclass(frozen=True)
class SystemLibrary:
    soname: str
    debian: str  # Debian / Ubuntu package
    fedora: str  # Fedora package


# What libqxcb.so, libQt6XcbQpa and libQt6Gui/Widgets link against outside the wheel.
XCB_LIBRARIES: tuple[SystemLibrary, ...] = (
    SystemLibrary("libxcb.so.1", "libxcb1", "libxcb"),
    SystemLibrary("libxcb-cursor.so.0", "libxcb-cursor0", "xcb-util-cursor"),
    SystemLibrary("libxcb-icccm.so.4", "libxcb-icccm4", "xcb-util-wm"),
    SystemLibrary("libxcb-image.so.0", "libxcb-image0", "xcb-util-image"),
    SystemLibrary("libxcb-keysyms.so.1", "libxcb-keysyms1", "xcb-util-keysyms"),
    SystemLibrary("libxcb-randr.so.0", "libxcb-randr0", "libxcb"),
    SystemLibrary("libxcb-render.so.0", "libxcb-render0", "libxcb"),
    SystemLibrary("libxcb-render-util.so.0", "libxcb-render-util0", "xcb-util-renderutil"),
    SystemLibrary("libxcb-shape.so.0", "libxcb-shape0", "libxcb"),
    SystemLibrary("libxcb-shm.so.0", "libxcb-shm0", "libxcb"),
    SystemLibrary("libxcb-sync.so.1", "libxcb-sync1", "libxcb"),
    SystemLibrary("libxcb-util.so.1", "libxcb-util1", "xcb-util"),
    SystemLibrary("libxcb-xfixes.so.0", "libxcb-xfixes0", "libxcb"),
    SystemLibrary("libxcb-xkb.so.1", "libxcb-xkb1", "libxcb"),
    SystemLibrary("libX11.so.6", "libx11-6", "libX11"),
    SystemLibrary("libX11-xcb.so.1", "libx11-xcb1", "libX11-xcb"),
    SystemLibrary("libxkbcommon.so.0", "libxkbcommon0", "libxkbcommon"),
    SystemLibrary("libxkbcommon-x11.so.0", "libxkbcommon-x11-0", "libxkbcommon-x11"),
    SystemLibrary("libEGL.so.1", "libegl1", "libglvnd-egl"),
    SystemLibrary("libGL.so.1", "libgl1", "libglvnd-glx"),
    SystemLibrary("libfontconfig.so.1", "libfontconfig1", "fontconfig"),
    SystemLibrary("libfreetype.so.6", "libfreetype6", "freetype"),
    SystemLibrary("libdbus-1.so.3", "libdbus-1-3", "dbus-libs"),
    SystemLibrary("libglib-2.0.so.0", "libglib2.0-0", "glib2"),
)


def _loads(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def will_use_xcb(environ: Mapping[str, str], platform: str = sys.platform) -> bool:
    """True when Qt is about to pick its xcb (X11) platform plugin."""
    if not platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        # "xcb" or a fallback list such as "wayland;xcb" that ends up on X11 without Wayland.
        options = [p.strip() for p in chosen.split(";")]
        if options[0] == "xcb":
            return bool(environ.get("DISPLAY"))
        return "xcb" in options and bool(environ.get("DISPLAY")) \
            and not environ.get("WAYLAND_DISPLAY")
    if environ.get("WAYLAND_DISPLAY") and environ.get("XDG_SESSION_TYPE") == "wayland":
        return False
    return bool(environ.get("DISPLAY"))


def missing_libraries(loads: Callable[[str], bool] = _loads) -> list[SystemLibrary]:
    """The libraries from XCB_LIBRARIES the dynamic loader cannot find."""
    return [lib for lib in XCB_LIBRARIES if not loads(lib.soname)]


def install_advice(missing: list[SystemLibrary]) -> str:
    """A short message naming the packages to install on Debian/Ubuntu and on Fedora."""
    debian = sorted({lib.debian for lib in missing})
    fedora = sorted({lib.fedora for lib in missing})
    names = ", ".join(lib.soname for lib in missing)
    lines = (
        _("Coterie cannot open a window because these system libraries are missing: "
          "{names}.").format(names=names),
        _("On Debian or Ubuntu run:  {command}").format(
            command="sudo apt install " + " ".join(debian)),
        _("On Fedora run:            {command}").format(
            command="sudo dnf install " + " ".join(fedora)),
    )
    return "".join(line + "\n" for line in lines)


def no_display() -> str:
    """Why the window cannot open without a display, and what to do (one sentence)."""
    return _("Coterie needs a desktop session to open its window: run it on a desktop, "
             "or set QT_QPA_PLATFORM=offscreen to run it without one.") + "\n"


def has_no_display(environ: Mapping[str, str], platform: str = sys.platform) -> bool:
    """True on Linux when no X11/Wayland display is reachable and no headless plugin is chosen."""
    if not platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "").strip().split(";")[0]
    if chosen and chosen not in ("xcb", "wayland"):
        return False  # offscreen, vnc, eglfs, ... need no desktop session
    return not environ.get("DISPLAY") and not environ.get("WAYLAND_DISPLAY")


def check_display_libraries(environ: Mapping[str, str] | None = None,
                            loads: Callable[[str], bool] = _loads,
                            platform: str = sys.platform) -> str | None:
    """None when the GUI can start, else one message to print instead of Qt's abort."""
    env = os.environ if environ is None else environ
    if has_no_display(env, platform):
        return no_display()
    if not will_use_xcb(env, platform):
        return None
    missing = missing_libraries(loads)
    return install_advice(missing) if missing else None
