"""The headless CLI: `coterie [--profile DIR] COMMAND ...` against the same services as the app.

Every error is one sentence on stderr and a non-zero exit code, never a traceback (set
COTERIE_DEBUG=1 to see one for an unexpected failure). `--json` prints one JSON document on
stdout; its shapes are documented in docs/cli.md.

Each command is a handler in the module of its capability (cli_profile, cli_groups,
cli_posts, cli_members, cli_polls, cli_governance), registered with argparse beside its
arguments; this module parses, dispatches and turns every outcome into an exit code. A
command imports and registers only its own capability's module (see CAPABILITIES).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path

from app.cli_args import not_utf8, profile_path
from app.cli_base import ENV_PASSPHRASE, Clock, Command, Parser, UsageError, warn
from app.errors import AppError, ProfileError
from app.i18n import _, argparse_in_language
from app.profile import ENV_HOME, ENV_RECOVERY, default_profile_dir

ENV_DEBUG = "COTERIE_DEBUG"
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_UNEXPECTED = 70
EXIT_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a writer whose reader left

# Each capability's CLI module and the top-level commands it registers, in `--help` order.
# A command line naming one of these builds the parser of that capability alone: importing
# every capability's module (and what each imports) and building all ~80 subparsers was a
# large part of a short command's start-up (bench/bench_cli.py, row cli_read_s). `--help`,
# an unknown command or anything unusual before the command builds them all, so whatever
# argparse prints is unchanged. A new capability adds its line here
# (tests/app/test_cli_imports.py checks the names against what each module registers).
CAPABILITIES: dict[str, tuple[str, ...]] = {
    "app.cli_profile": ("init", "recover", "settings"),
    "app.cli_groups": ("group", "invite", "join", "sync"),
    "app.cli_posts": ("post", "reply", "react", "edit", "delete", "read", "search"),
    "app.cli_members": ("members", "remove", "promote", "requests", "approve", "decline"),
    "app.cli_backup": ("backup", "export"),
    "app.cli_files": ("attach", "download", "files", "library"),
    "app.cli_channels": ("channel", "pin", "unpin", "pins", "thread"),
    "app.cli_polls": ("poll", "event"),
    "app.cli_governance": ("role", "mod"),
    "app.cli_member_profiles": ("profile", "badge"),
    "app.cli_reports": ("report", "reports", "rules"),
    "app.cli_devices": ("device",),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or with `command` (a top-level command name) only of
    the capability that registers it; an unknown name gets every command."""
    argparse_in_language()
    p = Parser(prog="coterie", description=_("Private, invite-only groups (headless commands)."),
               epilog=_("Without a command, or with a coterie:// invite link, `coterie` opens the "
                      "desktop app. `coterie --install-desktop-entry` adds it to the desktop's "
                      "applications menu and makes it open invite links; "
                      "`--uninstall-desktop-entry` removes that again."))
    p.add_argument("--profile", metavar="DIR", type=profile_path,
                   help=_("profile directory (default: COTERIE_HOME or the platform's user data dir)"))
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)
    modules = [m for m, names in CAPABILITIES.items() if command in names] or CAPABILITIES
    for module in modules:
        import_module(module).register(sub)
    return p


def command_named(argv: Sequence[str]) -> str | None:
    """The top-level command of a command line, when nothing but `--profile DIR` comes
    before it; None (build every command) for anything else."""
    rest = list(argv)
    while rest:
        arg = rest.pop(0)
        if arg == "--profile" and rest and not rest[0].startswith("-"):
            rest.pop(0)
        elif arg.startswith("--profile="):
            continue
        elif arg.startswith("-"):
            return None
        else:
            return arg
    return None


def _usage(message: str) -> int:
    warn(_("{message}; see `coterie --help`.").format(message=message))
    return EXIT_USAGE


def _refused_text(argv: list[str]) -> str | None:
    """Why the raw command line or environment cannot be read as text, or None."""
    position = not_utf8(argv)
    if position is not None:
        return _("argument {position} is not valid UTF-8 text").format(position=position)
    for name in (ENV_HOME, ENV_PASSPHRASE, ENV_RECOVERY):
        if not_utf8([os.environ.get(name, "")]) is not None:
            return _("{name} is not valid UTF-8 text").format(name=name)
    return None


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real stream (tests capture it)
        pass


def _os_error(exc: OSError, args: argparse.Namespace) -> int:
    """A file the command needed could not be used: name it, never a traceback."""
    reason = exc.strerror or type(exc).__name__
    profile = default_profile_dir(args.profile)
    where = Path(exc.filename) if isinstance(exc.filename, str) else None
    if where is not None and (where == profile or profile in where.parents
                              or where in profile.parents):
        warn(_("the profile directory {profile} cannot be used ({reason}); check the path "
               "and its permissions.").format(profile=profile, reason=reason))
        return ProfileError.exit_code
    warn(_("a file could not be used ({reason}: {path}).").format(reason=reason, path=where)
         if where else _("a file could not be used ({reason}).").format(reason=reason))
    return AppError.exit_code


def main(argv: Sequence[str] | None = None, *, clock: Clock = time.time) -> int:
    """Run one CLI command; returns the exit code (0 on success).

    `clock` is the protocol's clock (invite expiry, post times); tests move it forward.
    """
    try:
        code = _main(argv, clock)
        sys.stdout.flush()  # a pipe that closed shows here, not at the interpreter's exit
        return code
    except BrokenPipeError:  # whoever read stdout has gone (`| head`): nothing left to say
        _silence_stdout()
        return EXIT_PIPE


def _main(argv: Sequence[str] | None, clock: Clock) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    refused = _refused_text(args_list)
    if refused is not None:
        return _usage(refused)
    try:
        args = build_parser(command_named(args_list)).parse_args(args_list)
    except UsageError as exc:
        return _usage(str(exc))
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    cmd = Command(args, clock)
    try:
        args.handler(cmd)
        if args.sends:
            cmd.flush()
        return 0
    except AppError as exc:
        cmd.warn(str(exc))
        return exc.exit_code
    except BrokenPipeError:
        raise
    except OSError as exc:
        return _os_error(exc, args)
    except KeyboardInterrupt:
        cmd.warn(_("interrupted."))
        return EXIT_INTERRUPTED
    except Exception as exc:  # the promise: never a traceback for the user
        if os.environ.get(ENV_DEBUG):
            raise
        cmd.warn(_("an unexpected error stopped the command ({error}); set {variable}=1 to "
                   "see details.").format(error=type(exc).__name__, variable=ENV_DEBUG))
        return EXIT_UNEXPECTED
    finally:
        try:
            cmd.close()
        except Exception:  # closing must not replace the command's own outcome
            pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
