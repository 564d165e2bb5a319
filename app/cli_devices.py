"""CLI commands for linked devices: device link|join|list|revoke (docs/cli.md)."""
from __future__ import annotations

import os
import sys

from app import cli_format as fmt
from app.cli_base import Command, Parser, SubParsers, command, interactive, passphrase
from app.devices import DeviceView, short_code
from app.errors import InvalidInput
from app.i18n import _, ngettext


def _confirm(c: Command, words: str, other: str) -> bool:
    """Show the words; with --yes they are taken as matching (scripts compare them)."""
    sys.stderr.write(_("Words: {words}  (with {name})").format(
        words=words, name=fmt.terminal(other)) + "\n")
    sys.stderr.flush()
    if c.args.yes:
        return True
    if not interactive(sys.stdin):
        raise InvalidInput(_("Compare the words on both devices: run in a terminal, or pass "
                             "--yes once you have."))
    answer = input(_("Do both devices show these words? [y/N] ")).strip().lower()
    return answer in ("y", "yes", _("y"), _("yes"))


def link(c: Command) -> None:
    svc = c.open()

    def show(code: str) -> None:
        print(code, flush=True)
        short, relay = short_code(code)
        sys.stderr.write(_("On the new installation run: coterie --profile DIR device join "
                           "CODE (the code works once, for 10 minutes).") + "\n")
        sys.stderr.write(_("Or type the short code: {short} --relay {relay}").format(
            short=short, relay=relay) + "\n")
        sys.stderr.flush()

    info = svc.devices.link(show, lambda words, other: _confirm(c, words, other),
                            relay=c.args.relay, history=not c.args.no_history)
    if info.history:
        message = ngettext("Linked {name} ({id}) into {count} group.",
                           "Linked {name} ({id}) into {count} groups.", info.groups)
    else:
        message = ngettext("Linked {name} ({id}) into {count} group, without its past posts "
                           "and files.", "Linked {name} ({id}) into {count} groups, without "
                           "their past posts and files.", info.groups)
    message = message.format(name=fmt.person(info.name), id=info.device_id, count=info.groups)
    if c.json:
        c.out({"device_id": info.device_id, "name": info.name, "words": info.words,
               "groups": info.groups, "bytes": info.bytes, "history": info.history}, message)
    else:
        c.warn(message)


def join(c: Command) -> None:
    svc = c.services()
    secret = None
    if c.args.no_keyring or not svc.profile.keyring_available():
        secret = passphrase(_("Choose a passphrase for this device's profile: "), confirm=True)
    relay = c.args.relay or os.environ.get("COTERIE_RELAY") or None
    info = svc.devices.join(c.args.code, c.args.name, secret,
                            lambda words, other: _confirm(c, words, other), relay=relay)
    c.out({"linked": True, "member": info.member, "fingerprint": info.fingerprint,
           "device_id": info.device_id, "words": info.words, "groups": info.groups,
           "recovery_code": info.recovery_code},
          ngettext("This installation is now a device of {name} ({fingerprint}), with {count} "
                   "group.", "This installation is now a device of {name} ({fingerprint}), with "
                   "{count} groups.", info.groups).format(
              name=fmt.person(info.member), fingerprint=info.fingerprint, count=info.groups)
          + "\n" + _("Recovery code of this device's profile (shown once): {code}").format(
              code=info.recovery_code))


def _row(d: DeviceView) -> dict[str, object]:
    return {"id": d.id, "name": d.name, "linked_at": d.linked_at, "last_active": d.last_active,
            "revoked": d.revoked, "this_device": d.this_device, "first": d.first}


def device_list(c: Command) -> None:
    svc = c.open()
    devices = svc.devices.list()
    lines = []
    for d in devices:
        state = [_("this device")] if d.this_device else []
        if d.first:
            state.append(_("holds the identity"))
        if d.revoked:
            state.append(_("revoked"))
        linked = fmt.when(d.linked_at) if d.linked_at else "-"
        seen = fmt.when(d.last_active) if d.last_active else "-"
        lines.append(f"{d.id}  {fmt.person(d.name)}  " + _("linked {when}").format(when=linked)
                     + "  " + _("last active {when}").format(when=seen)
                     + (f"  [{', '.join(state)}]" if state else ""))
    c.out({"devices": [_row(d) for d in devices]}, "\n".join(lines))


def revoke(c: Command) -> None:
    svc = c.open()
    groups = svc.devices.revoke(c.args.device)
    c.out({"revoked": c.args.device, "groups": groups},
          ngettext("Revoked in {count} group; it reads nothing after the next key change.",
                   "Revoked in {count} groups; it reads nothing after the next key change.",
                   groups).format(count=groups))


def register(sub: SubParsers) -> None:
    d = sub.add_parser("device", help=_("link, list and revoke this member's devices"))
    dsub = d.add_subparsers(dest="device_command", required=True, parser_class=Parser)
    p = command(dsub, "link", _("link a new desktop: print a one-time code and wait for it"),
                link)
    p.add_argument("--yes", action="store_true",
                   help=_("take the words as compared (scripts)"))
    p.add_argument("--relay", metavar="URL", help=_("the relay the link goes through "
                                                    "(default: the default relay)"))
    p.add_argument("--no-history", action="store_true",
                   help=_("send the groups and their state but not their past posts and "
                          "files"))
    p = command(dsub, "join", _("make this new profile (--profile) a device of the member "
                                "whose device shows CODE"), join)
    p.add_argument("code", metavar="CODE", help=_("the whole code, or its short form with "
                                                  "--relay"))
    p.add_argument("--relay", metavar="URL", help=_("the relay of a short code (default: "
                                                    "COTERIE_RELAY)"))
    p.add_argument("--name", metavar="NAME", default=_("Desktop"),
                   help=_("this device's name (default: Desktop)"))
    p.add_argument("--yes", action="store_true",
                   help=_("take the words as compared (scripts)"))
    p.add_argument("--no-keyring", action="store_true",
                   help=_("protect the profile with a passphrase even when a keyring exists"))
    command(dsub, "list", _("this member's devices: name, linked, last active"), device_list)
    p = command(dsub, "revoke", _("revoke one of your devices (new key period; it reads "
                                  "nothing after)"), revoke, "device", sends=True)
