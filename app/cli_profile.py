"""CLI commands about the profile itself: init, recover, settings."""
from __future__ import annotations

import getpass
import sys
from typing import Any

from app import cli_format as fmt
from app.cli_base import Command, SubParsers, command, interactive, passphrase
from app.errors import InvalidInput
from app.views import Settings


def init(c: Command) -> None:
    svc = c.services()
    secret = None
    if c.args.no_keyring or not svc.profile.keyring_available():
        secret = passphrase("Choose a passphrase: ", confirm=True)
    code = svc.profile.create(c.args.name, secret)
    me = svc.profile.me()
    c.out({"name": me.name, "fingerprint": me.fingerprint, "protection": me.protection,
           "recovery_code": code},
          f"Profile created for {fmt.person(me.name)}.\nFingerprint: {me.fingerprint}\n"
          f"Recovery code (write it down; it is shown only once): {code}")


def recover(c: Command) -> None:
    svc = c.services()
    code = c.args.code
    if not code:
        if not interactive(sys.stdin):
            raise InvalidInput("Give the recovery code with --code when not in a terminal.")
        code = getpass.getpass("Recovery code: ")
    new = None if svc.profile.keyring_available() else passphrase("New passphrase: ", confirm=True)
    svc.profile.unlock_with_recovery(code, new)
    c.out({"recovered": True}, "Profile unlocked; the new protection is in place.")


def settings_json(s: Settings) -> dict[str, Any]:
    return {"name": s.display_name, "default_relay": s.default_relay, "theme": s.theme}


def settings(c: Command) -> None:
    svc = c.open()
    if c.args.name is not None or c.args.default_relay is not None:
        current = svc.settings.update(display_name=c.args.name,
                                      default_relay=c.args.default_relay)
    else:
        current = svc.settings.get()
    c.out(settings_json(current), fmt.table([
        ("Name:", fmt.person(current.display_name)),
        ("Default relay:", fmt.safe(current.default_relay) or "(none)"),
        ("Theme:", current.theme)]))


def register(sub: SubParsers) -> None:
    p = command(sub, "init", "create a profile", init)
    p.add_argument("--name", required=True)
    p.add_argument("--no-keyring", action="store_true",
                   help="protect the profile with a passphrase even when a keyring exists")

    p = command(sub, "recover", "open the profile with the recovery code and set a new "
                "passphrase", recover)
    p.add_argument("--code", help="the recovery code (prompted when omitted)")

    p = command(sub, "settings", "show or change your name and the default relay", settings)
    p.add_argument("--name", help="your display name")
    p.add_argument("--default-relay", metavar="URL",
                   help='the relay new groups use when `group create` has no --relay ("" for none)')
