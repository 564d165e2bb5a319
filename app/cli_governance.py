"""CLI commands for governance: `role` (owner, admin, moderator, member, observer) and
`mod` (remove-post, timeout, lift, ban, unban, slowmode, lock, unlock, log)."""
from __future__ import annotations

from typing import Any

from app import cli_format as fmt
from app.cli_args import count, duration, reference
from app.cli_base import Command, Parser, SubParsers, command
from app.governance import ROLES, role_help
from app.i18n import _, ngettext
from app.moderation import ModLogView


def role(c: Command) -> None:
    c.open().governance.set_role(c.args.group, c.args.member, c.args.role)
    if c.args.role == "owner":
        c.say(_("Ownership handed over; you stay an admin."))
    else:
        c.say(_("Role set to {role}; every member's app applies it when it syncs.").format(
            role=c.args.role))


def register(sub: SubParsers) -> None:
    p = command(sub, "role", _("give a member a role (admins; owner hands ownership over)"), role,
                "group", "member", json_flag=False, sends=True)
    p.add_argument("role", choices=ROLES,
                   help="; ".join(f"{r}: {role_help(r)}" for r in ROLES))
    register_mod(sub)


# -- mod ---------------------------------------------------------------------------------------
def mod_remove_post(c: Command) -> None:
    c.open().moderation.remove_post(c.args.group, c.args.post, c.args.reason or "")
    c.say(_("Post removed; every member's app removes it when it syncs."))


def mod_timeout(c: Command) -> None:
    c.open().moderation.timeout(c.args.group, c.args.member, c.args.duration,
                                c.args.reason or "")
    c.say(_("Timed out: every member's app refuses their posts and reactions until then."))


def mod_lift(c: Command) -> None:
    c.open().moderation.lift(c.args.group, c.args.member)
    c.say(_("Timeout lifted."))


def mod_ban(c: Command) -> None:
    c.open().moderation.ban(c.args.group, c.args.member, c.args.reason or "")
    c.say(_("Banned and removed; the group moved to a new key, and their join requests are "
            "refused through any invite."))


def mod_unban(c: Command) -> None:
    c.open().moderation.unban(c.args.group, c.args.fingerprint)
    c.say(_("Ban lifted; they can be invited again."))


def mod_slowmode(c: Command) -> None:
    c.open().moderation.channel_rule(c.args.group, c.args.channel, slowmode=c.args.seconds)
    c.say(_("Slow mode off.") if c.args.seconds == 0 else
          _("Slow mode: one post every {seconds} seconds per member.").format(
              seconds=c.args.seconds))


def mod_lock(c: Command) -> None:
    c.open().moderation.channel_rule(c.args.group, c.args.channel, locked=True)
    c.say(_("Channel locked: only moderators and admins can post in it."))


def mod_unlock(c: Command) -> None:
    c.open().moderation.channel_rule(c.args.group, c.args.channel, locked=False)
    c.say(_("Channel unlocked."))


def mod_settings(c: Command) -> None:
    svc = c.open().moderation
    quiet = None if c.args.quiet is None else c.args.quiet == "on"
    approve = None if c.args.approve_first is None else c.args.approve_first == "on"
    if quiet is not None or c.args.newcomer_days is not None or approve is not None:
        svc.settings(c.args.group, quiet=quiet, newcomer_days=c.args.newcomer_days,
                     approve_first=approve)
        c.flush()
    quiet_now, days = svc.current_settings(c.args.group)
    approve_now = svc.approve_first(c.args.group)
    c.out({"quiet": quiet_now, "newcomer_days": days, "approve_first": approve_now},
          (_("Quiet mode on") if quiet_now else _("Quiet mode off")) + "; " + (
              ngettext("newcomer safeguards for {days} day",
                       "newcomer safeguards for {days} days", days).format(days=days)
              if days else _("newcomer safeguards off")) + "; "
          + (_("first-post approval on.") if approve_now else _("first-post approval off.")))


def _log_json(v: ModLogView) -> dict[str, Any]:
    return {"id": v.id, "action": v.action, "actor": v.actor,
            "actor_fingerprint": v.actor_fingerprint, "target": v.target,
            "target_fingerprint": v.target_fingerprint, "post": v.target_post,
            "channel": v.channel, "until": v.until, "slowmode": v.slowmode,
            "locked": v.locked, "quiet": v.quiet, "newcomer_days": v.newcomer_days,
            "approve_first": v.approve_first,
            "reason": v.reason, "time": v.time, "text": v.text}


def mod_log(c: Command) -> None:
    rows = c.open().moderation.log(c.args.group)
    c.out({"log": [_log_json(v) for v in rows]},
          "\n".join(f"{fmt.when(v.time)}  {fmt.safe(v.text)}" for v in rows)
          or _("Nothing in the moderation log."))


def register_mod(sub: SubParsers) -> None:
    mod = sub.add_parser("mod", help=_("moderate a group (moderators and admins; bans: admins)"))
    msub = mod.add_subparsers(dest="action", required=True, parser_class=Parser)
    p = command(msub, "remove-post", _("remove anyone's post"), mod_remove_post, "group", "post",
                json_flag=False, sends=True)
    p.add_argument("--reason", help=_("why (shown to every member)"))
    p = command(msub, "timeout", _("stop a member posting and reacting for DURATION"),
                mod_timeout, "group", "member", json_flag=False, sends=True)
    p.add_argument("duration", type=duration, help=_("such as 10m, 2h, 3d"))
    p.add_argument("--reason", help=_("why (shown to every member)"))
    command(msub, "lift", _("end a member's timeout"), mod_lift, "group", "member",
            json_flag=False, sends=True)
    p = command(msub, "ban", _("remove a member and refuse them through any invite (admins)"),
                mod_ban, "group", "member", json_flag=False, sends=True)
    p.add_argument("--reason", help=_("why (shown to every member)"))
    p = command(msub, "unban", _("lift a ban (admins)"), mod_unban, "group", json_flag=False,
                sends=True)
    p.add_argument("fingerprint", type=reference, help=_("the banned identity's fingerprint"))
    p = command(msub, "slowmode", _("one post per SECONDS per member in a channel (0: off)"),
                mod_slowmode, "group", json_flag=False, sends=True)
    p.add_argument("channel", type=reference, help=_("General or a 32-hex-digit channel id"))
    p.add_argument("seconds", type=count("SECONDS", minimum=0))
    for name, help_text, handler in (
            ("lock", _("make a channel read-only for members"), mod_lock),
            ("unlock", _("let members post in a channel again"), mod_unlock)):
        p = command(msub, name, help_text, handler, "group", json_flag=False, sends=True)
        p.add_argument("channel", type=reference, help=_("General or a 32-hex-digit channel id"))
    command(msub, "log", _("who did what, to whom, when and why"), mod_log, "group")
    p = command(msub, "settings", _("show or change quiet mode and newcomer safeguards (admins)"),
                mod_settings, "group")
    p.add_argument("--quiet", choices=("on", "off"),
                   help=_("on: moderation actions are not shown in the conversation (the log "
                   "keeps them)"))
    p.add_argument("--newcomer-days", type=count("DAYS", minimum=0),
                   help=_("days a new member cannot post links, mass mentions or files (0: off)"))
    p.add_argument("--approve-first", choices=("on", "off"),
                   help=_("on: a new member's posts wait for a moderator's approval until one "
                          "is approved (`coterie reports approve`)"))
