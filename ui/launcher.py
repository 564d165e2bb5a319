"""The `coterie` entry point.

With a subcommand it runs the headless CLI (app.cli) and never imports PySide6, so scripts
and servers without a display work. With no arguments, or with a `coterie://join#...`
link (how the desktop's URL-scheme handler calls us), it opens the desktop app.
"""
from __future__ import annotations

import logging
import os
import sys

from app.hardening import no_core_dumps
from ui.display_check import check_display_libraries

JOIN_PREFIX = "coterie://join"
INSTALL_ENTRY = "--install-desktop-entry"
UNINSTALL_ENTRY = "--uninstall-desktop-entry"


def split_gui_args(argv: list[str]) -> tuple[bool, str | None, str | None]:
    """(is_gui, profile_dir, join_link) for argv; is_gui is False when a subcommand is given."""
    profile: str | None = None
    link: str | None = None
    rest = list(argv)
    while rest:
        arg = rest.pop(0)
        if arg == "--profile" and rest:
            profile = rest.pop(0)
        elif arg.startswith("--profile="):
            profile = arg.split("=", 1)[1]
        elif arg.startswith(JOIN_PREFIX) and link is None:
            link = arg
        else:
            return False, None, None
    return True, profile, link


def quiet_network_logs() -> None:
    """Hold httpx and httpcore at WARNING: they log each request line at INFO, and the
    relay paths in it carry mailbox ids. Set here, where the program starts, so the
    libraries themselves leave the process's logging alone."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    """Run `coterie`; returns the process exit code."""
    no_core_dumps()  # before any key can be in memory (app/hardening.py says why)
    quiet_network_logs()
    args = sys.argv[1:] if argv is None else list(argv)
    if args in ([INSTALL_ENTRY], [UNINSTALL_ENTRY]):
        return desktop_entry(install=args[0] == INSTALL_ENTRY)
    is_gui, profile, link = split_gui_args(args)
    if not is_gui:
        from app.cli import main as cli_main

        return int(cli_main(args) or 0)
    advice = check_display_libraries()
    if advice:
        sys.stderr.write(advice)
        return 2
    from ui.gui import run_gui

    return run_gui(profile_dir=profile, join_link=link,
                   default_relay=os.environ.get("COTERIE_RELAY") or None)


def desktop_entry(install: bool) -> int:
    """`coterie --install-desktop-entry` / `--uninstall-desktop-entry`."""
    from app.i18n import _
    from ui import desktop_entry as entry

    try:
        if install:
            paths = entry.install()
            print(_("Coterie is in your applications menu ({path}) and opens coterie:// invite "
                    "links.").format(path=paths.desktop))
        else:
            removed = entry.uninstall()
            print(_("Removed {files}.").format(files=", ".join(str(p) for p in removed))
                  if removed else _("Coterie was not in your applications menu."))
    except OSError as exc:
        sys.stderr.write("coterie: " + _("the desktop entry could not be written ({reason}: "
                                         "{path}).").format(
            reason=exc.strerror or type(exc).__name__, path=exc.filename) + "\n")
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
