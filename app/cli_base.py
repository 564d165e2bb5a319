"""What every CLI command shares: its arguments, the profile's services, output and sending.

A handler is a function of one `Command`; it prints through `out`/`say`, which make
other people's text safe for the terminal (app.cli_format), and never sees a stream.
"""
from __future__ import annotations

import argparse
import getpass
import os
import sys
import time
from collections.abc import Callable
from typing import Any, NoReturn, TextIO

from app import cli_format as fmt
from app.api import Services
from app.cli_args import reference
from app.errors import InvalidInput, ProfileError
from app.i18n import _
from app.profile import default_profile_dir
from app.views import ProfileState

ENV_PASSPHRASE = "COTERIE_PASSPHRASE"
# How long a changing command waits for the relay before leaving the change in the outbox.
FLUSH_TIMEOUT = 20.0

Clock = Callable[[], float]


class UsageError(Exception):
    """The command line was refused (one sentence, exit code 2)."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def interactive(stdin: TextIO) -> bool:
    try:
        return stdin.isatty()
    except (AttributeError, ValueError):
        return False


def passphrase(prompt: str, confirm: bool = False) -> str:
    """The passphrase from COTERIE_PASSPHRASE, else asked on the terminal."""
    env = os.environ.get(ENV_PASSPHRASE)
    if env:
        return env
    if not interactive(sys.stdin):
        raise ProfileError(_("This profile needs a passphrase: run in a terminal or set "
                             "{variable}.").format(variable=ENV_PASSPHRASE))
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass(_("Repeat the passphrase: ")) != first:
        raise InvalidInput(_("The two passphrases differ; nothing was created."))
    if not first:
        raise InvalidInput(_("The passphrase cannot be empty."))
    return first


def _printable(text: str, stream: TextIO) -> str:
    """Text the stream can encode: a terminal in a legacy encoding gets '?' rather than a
    crash halfway through the output."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    return text.encode(encoding, "replace").decode(encoding)


def warn(text: str) -> None:
    """One line on stderr, prefixed `coterie:`; safe for the terminal like all output."""
    print(_printable(fmt.terminal(f"coterie: {text}"), sys.stderr), file=sys.stderr)


def _utf8(stream: TextIO) -> bool:
    return (getattr(stream, "encoding", None) or "utf-8").lower().replace("-", "") == "utf8"


class Command:
    """One run of one command: parsed arguments, the services (opened on first use) and
    the output streams."""

    def __init__(self, args: argparse.Namespace, clock: Clock = time.time) -> None:
        self.args = args
        self.clock = clock
        self._services: Services | None = None

    # -- the profile ---------------------------------------------------------------------------
    def services(self) -> Services:
        """The profile's services, not unlocked (init and recover open it themselves)."""
        if self._services is None:
            self._services = Services(default_profile_dir(self.args.profile), clock=self.clock)
        return self._services

    def open(self) -> Services:
        """The profile's services, unlocked with the keyring or a passphrase."""
        svc = self.services()
        state = svc.profile.state()
        if state is ProfileState.UNLOCKED:
            return svc
        if state is ProfileState.NEW:
            raise ProfileError(_("There is no profile here yet; run `coterie init --name NAME` "
                                 "first."))
        keyring = svc.profile.unlock_info().keyring
        svc.profile.unlock(None if keyring else passphrase(_("Passphrase: ")))
        return svc

    def close(self) -> None:
        if self._services is not None:
            self._services.close()
            self._services = None

    # -- output --------------------------------------------------------------------------------
    @property
    def json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    def out(self, document: dict[str, Any], text: str) -> None:
        """The JSON document with --json, else the text."""
        if self.json:
            print(fmt.dumps(document, ascii_only=not _utf8(sys.stdout)))
        else:
            self.say(text)

    def say(self, text: str) -> None:
        print(_printable(fmt.terminal(text), sys.stdout))

    def warn(self, text: str) -> None:
        warn(text)

    # -- sending -------------------------------------------------------------------------------
    def flush(self) -> None:
        """Send what the command changed now and take in what is pending, so a script needs
        no separate `sync`; an unreachable relay leaves it in the outbox."""
        report = self.open().sync_once(FLUSH_TIMEOUT)
        if report.offline:
            self.warn(_("saved; {relays} could not be reached, so it will be sent on the next "
                        "sync.").format(relays=", ".join(report.offline)))


Handler = Callable[[Command], None]
# Positionals the services judge themselves (empty text, empty names have their own sentence);
# every other positional refers to something and may not be blank.
FREE_TEXT = frozenset({"text", "name", "query", "emoji"})
SubParsers = Any  # argparse's _SubParsersAction is private


def command(sub: SubParsers, name: str, help_text: str, handler: Handler, *positionals: str,
            json_flag: bool = True, sends: bool = False) -> argparse.ArgumentParser:
    """Register one subcommand: its handler, its positional arguments, whether it sends
    what it changed at once, and --json."""
    c = sub.add_parser(name, help=help_text)
    c.set_defaults(handler=handler, sends=sends)
    for positional in positionals:
        if positional in FREE_TEXT:
            c.add_argument(positional)
        else:
            c.add_argument(positional, type=reference)
    if json_flag:
        c.add_argument("--json", action="store_true", help=_("print one JSON document"))
    return c
