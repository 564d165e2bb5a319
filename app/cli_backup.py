"""CLI commands for backups and readable exports: backup create|restore|auto, export."""
from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from app import cli_format as fmt
from app.backup import ENV_RECOVERY, AutoBackup
from app.cli_args import count
from app.cli_base import Command, Parser, SubParsers, command, interactive, passphrase
from app.errors import InvalidInput
from app.i18n import _, ngettext


def restored_note() -> str:
    return _("This profile is now a new device of yours, with the same identity. If the old "
             "machine still runs, it keeps working as another of your devices; if it is gone "
             "or stolen, revoke it from here: coterie device list, then coterie device revoke "
             "ID.")


def recovery_code(prompt: str | None = None) -> str:
    """The recovery code from COTERIE_RECOVERY_CODE, else asked on the terminal."""
    env = os.environ.get(ENV_RECOVERY)
    if env:
        return env
    if not interactive(sys.stdin):
        raise InvalidInput(_("This needs your recovery code: run in a terminal or set "
                             "{variable}.").format(variable=ENV_RECOVERY))
    return getpass.getpass(_("Recovery code: ") if prompt is None else prompt)


def _size(n: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


def create(c: Command) -> None:
    svc = c.open()
    if not svc.backup.has_code():
        svc.backup.remember_code(recovery_code())
    info = svc.backup.create(c.args.file)
    c.out({"path": info.path, "size": info.size, "files": info.files, "created": info.created},
          _("Backup written to {path} ({size}). It opens with your recovery code "
            "only.").format(path=info.path, size=_size(info.size)))


def restore(c: Command) -> None:
    svc = c.services()
    code = recovery_code()
    secret = None
    if c.args.no_keyring or not svc.profile.keyring_available():
        secret = passphrase(_("Choose a passphrase for the restored profile: "), confirm=True)
    info = svc.backup.restore(c.args.file, code, secret, device_name=c.args.name)
    c.out({"restored": True, "name": info.name, "fingerprint": info.fingerprint,
           "groups": info.groups, "backup_created": info.created, "caught_up": info.caught_up,
           "note": restored_note()},
          ngettext("Restored {name} ({fingerprint}) with {count} group from the backup of "
                   "{when}, and read everything posted since.",
                   "Restored {name} ({fingerprint}) with {count} groups from the backup of "
                   "{when}, and read everything posted since.", info.groups).format(
              name=fmt.person(info.name), fingerprint=info.fingerprint, count=info.groups,
              when=fmt.when(info.created)) + "\n" + restored_note())


def _auto_json(a: AutoBackup) -> dict[str, object]:
    return {"enabled": a.enabled, "folder": a.folder or None, "every_hours": a.every_hours,
            "keep": a.keep, "last": a.last, "error": a.error or None}


def auto(c: Command) -> None:
    svc = c.open()
    if c.args.off:
        current = svc.backup.set_automatic(None)
    elif c.args.folder is not None:
        if not svc.backup.has_code():
            svc.backup.remember_code(recovery_code())
        current = svc.backup.set_automatic(str(Path(c.args.folder).expanduser().absolute()),
                                           c.args.every, c.args.keep)
    else:
        current = svc.backup.automatic()
    text = (_("Automatic backups are off.") if not current.enabled else
            ngettext("Automatic backups every hour into {folder}, keeping the newest {keep}.",
                     "Automatic backups every {hours} hours into {folder}, keeping the newest "
                     "{keep}.", current.every_hours).format(
                hours=current.every_hours, folder=current.folder, keep=current.keep))
    if current.last:
        text += "\n" + _("Last one: {when}.").format(when=fmt.when(current.last))
    if current.error:
        text += "\n" + _("The last attempt failed: {error}").format(error=current.error)
    c.out(_auto_json(current), text)


def export(c: Command) -> None:
    svc = c.open()
    formats = ("html", "json") if c.args.format == "both" else (c.args.format,)
    info = svc.export.write(c.args.group, c.args.out, formats)
    written = [p for p in (info.html, info.json) if p]
    c.out({"group_id": info.group_id, "posts": info.posts, "html": info.html,
           "json": info.json},
          ngettext("Exported {count} post to {paths}.", "Exported {count} posts to {paths}.",
                   info.posts).format(count=info.posts, paths=_(" and ").join(written)))


def register(sub: SubParsers) -> None:
    b = sub.add_parser("backup", help=_("encrypted backups of this profile"))
    bsub = b.add_subparsers(dest="backup_command", required=True, parser_class=Parser)
    p = command(bsub, "create", _("write an encrypted backup of the whole profile to FILE"), create)
    p.add_argument("file", metavar="FILE")
    p = command(bsub, "restore", _("restore a backup into a new profile folder (--profile)"),
                restore)
    p.add_argument("file", metavar="FILE")
    p.add_argument("--name", metavar="NAME",
                   help=_("this device's name (default: the computer's name)"))
    p.add_argument("--no-keyring", action="store_true",
                   help=_("protect the restored profile with a passphrase even when a keyring exists"))
    p = command(bsub, "auto", _("show or change automatic backups"), auto)
    p.add_argument("--folder", metavar="DIR", help=_("turn them on, into this folder"))
    p.add_argument("--every", metavar="HOURS", type=count("--every"), default=24,
                   help=_("hours between backups (default 24)"))
    p.add_argument("--keep", metavar="N", type=count("--keep"), default=7,
                   help=_("how many to keep (default 7)"))
    p.add_argument("--off", action="store_true", help=_("turn them off"))
    p = command(sub, "export", _("write a group as readable HTML and JSON into DIR"), export,
                "group")
    p.add_argument("--out", metavar="DIR", required=True)
    p.add_argument("--format", choices=("html", "json", "both"), default="both")
