"""CLI commands about the profile itself: init, recover, settings."""
from __future__ import annotations

import getpass
import sys
from typing import Any

from app import cli_format as fmt
from app.cli_base import Command, SubParsers, command, interactive, passphrase
from app.errors import InvalidInput
from app.i18n import _
from app.views import Settings


def init(c: Command) -> None:
    svc = c.services()
    secret = None
    if c.args.no_keyring or not svc.profile.keyring_available():
        secret = passphrase(_("Choose a passphrase: "), confirm=True)
    code = svc.profile.create(c.args.name, secret)
    me = svc.profile.me()
    c.out({"name": me.name, "fingerprint": me.fingerprint, "protection": me.protection,
           "recovery_code": code},
          _("Profile created for {name}.\nFingerprint: {fingerprint}\n"
            "Recovery code (write it down; it is shown only once): {code}").format(
              name=fmt.person(me.name), fingerprint=me.fingerprint, code=code))


def recover(c: Command) -> None:
    svc = c.services()
    code = c.args.code
    if not code:
        if not interactive(sys.stdin):
            raise InvalidInput(_("Give the recovery code with --code when not in a terminal."))
        code = getpass.getpass(_("Recovery code: "))
    new = (None if svc.profile.keyring_available()
           else passphrase(_("New passphrase: "), confirm=True))
    svc.profile.unlock_with_recovery(code, new)
    c.out({"recovered": True}, _("Profile unlocked; the new protection is in place."))


def settings_json(s: Settings) -> dict[str, Any]:
    return {"name": s.display_name, "default_relay": s.default_relay, "theme": s.theme}


def settings(c: Command) -> None:
    svc = c.open()
    if c.args.name is not None or c.args.default_relay is not None:
        current = svc.settings.update(display_name=c.args.name,
                                      default_relay=c.args.default_relay)
    else:
        current = svc.settings.get()
    if c.args.cache_mb is not None:
        svc.files.set_cache_limit_mb(c.args.cache_mb)
    if c.args.auto_download_mb is not None:
        svc.files.set_auto_download_mb(c.args.auto_download_mb)
    cache_mb, auto_mb = svc.files.cache_limit_mb(), svc.files.auto_download_mb()
    c.out({**settings_json(current), "cache_limit_mb": cache_mb, "auto_download_mb": auto_mb},
          fmt.table([
              (_("Name:"), fmt.person(current.display_name)),
              (_("Default relay:"), fmt.safe(current.default_relay) or _("(none)")),
              (_("Theme:"), current.theme),
              (_("File cache:"), f"{cache_mb} MB"),
              (_("Auto-download:"), _("images up to {size} MB").format(size=auto_mb))]))


def register(sub: SubParsers) -> None:
    p = command(sub, "init", _("create a profile"), init)
    p.add_argument("--name", required=True)
    p.add_argument("--no-keyring", action="store_true",
                   help=_("protect the profile with a passphrase even when a keyring exists"))

    p = command(sub, "recover", _("open the profile with the recovery code and set a new "
                "passphrase"), recover)
    p.add_argument("--code", help=_("the recovery code (prompted when omitted)"))

    p = command(sub, "settings", _("show or change your name, the default relay and the file limits"), settings)
    p.add_argument("--name", help=_("your display name"))
    p.add_argument("--default-relay", metavar="URL",
                   help=_('the relay new groups use when `group create` has no --relay ("" for none)'))
    p.add_argument("--cache-mb", type=int, metavar="MB",
                   help=_("largest size of the encrypted file cache (at least 1; default 1024)"))
    p.add_argument("--auto-download-mb", type=int, metavar="MB",
                   help=_("images up to this size download by themselves (0: none; default 10)"))
