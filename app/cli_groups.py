"""CLI commands for groups, invites, joining and sync."""
from __future__ import annotations

from app import cli_format as fmt
from app.cli_args import count, duration
from app.cli_base import Command, Parser, SubParsers, command
from app.errors import InvalidInput, InviteError
from app.i18n import N_, _, ngettext
from app.invites import RulesToAccept
from app.views import GroupSummary, InviteView, SyncReport

MSG_NO_RELAY = N_("No default relay is set; give one with --relay URL, or set it once with "
                  "`coterie settings --default-relay URL`.")


# -- group -------------------------------------------------------------------------------------

def group_create(c: Command) -> None:
    svc = c.open()
    relay = c.args.relay
    if relay is None and not svc.settings.get().default_relay:
        raise InvalidInput(_(MSG_NO_RELAY))
    g = svc.groups.create(c.args.name, relay)
    c.out(fmt.group_json(g), g.id)


def _group_row(g: GroupSummary) -> tuple[str, ...]:
    return (g.id, fmt.person(g.name), fmt.word(g.my_role),
            ngettext("{count} member", "{count} members", g.member_count).format(
                count=g.member_count),
            _("{count} unread").format(count=g.unread), "" if g.status == "active" else fmt.word(g.status))


def group_list(c: Command) -> None:
    gs = c.open().groups.list()
    c.out({"groups": [fmt.group_json(g) for g in gs]},
          fmt.table(_group_row(g) for g in gs) or _("No groups yet."))


def group_rename(c: Command) -> None:
    c.open().groups.rename(c.args.group, c.args.name)
    c.say(_("Renamed."))


# -- invite ------------------------------------------------------------------------------------

def invite_create(c: Command) -> None:
    inv = c.open().invites.create(c.args.group, c.args.uses, c.args.expires, c.args.role)
    c.out(fmt.invite_json(inv), inv.link)


def _invite_row(i: InviteView) -> tuple[str, ...]:
    return (i.id, fmt.word(i.status), _("{left}/{total} uses left").format(left=i.uses_left,
                                                               total=i.uses_total),
            _("expires {when}").format(when=fmt.when(i.expires_at)))


def invite_list(c: Command) -> None:
    invs = c.open().invites.list(c.args.group)
    c.out({"invites": [fmt.invite_json(i) for i in invs]},
          fmt.table(_invite_row(i) for i in invs) or _("No invites."))


def invite_revoke(c: Command) -> None:
    c.open().invites.revoke(c.args.group, c.args.invite)
    c.say(_("Invite revoked."))


# -- join and sync -----------------------------------------------------------------------------

def join(c: Command) -> None:
    svc = c.open()
    try:
        j = svc.invites.join(c.args.link, accept_rules=c.args.accept_rules)
    except RulesToAccept as exc:
        c.out({"group": exc.group_name, "rules": exc.rules, "joined": False},
              fmt.safe(exc.rules))
        raise InviteError(_("{group} has rules (above); join with --accept-rules to accept "
                            "them.").format(group=exc.group_name)) from exc
    c.flush()  # the request goes out now; a single-use invite may be admitted at once
    j = next((x for x in svc.invites.joins() if x.id == j.id), j)
    if j.status == "failed":
        raise InviteError(j.message)
    c.out(fmt.join_json(j), fmt.safe(j.message))


def sync_text(r: SyncReport) -> str:
    text = ngettext("Sent {sent}, received {received}, {count} new post.",
                    "Sent {sent}, received {received}, {count} new posts.", r.new_posts).format(
        sent=r.sent, received=r.received, count=r.new_posts)
    if r.joined:
        text += " " + ngettext("Joined {count} group.", "Joined {count} groups.",
                               len(r.joined)).format(count=len(r.joined))
    if r.admitted:
        text += " " + ngettext("Admitted {count} member.", "Admitted {count} members.",
                               r.admitted).format(count=r.admitted)
    if r.waiting_requests:
        text += " " + ngettext("{count} join request waits for approval.",
                               "{count} join requests wait for approval.",
                               r.waiting_requests).format(count=r.waiting_requests)
    for warning in r.warnings:
        text += f"\n! {fmt.safe(warning)}"
    if r.offline:
        text += "\n" + _("Could not reach {relays}; what waits will go out next time.").format(
            relays=fmt.safe(", ".join(r.offline)))
    return text


def sync(c: Command) -> None:
    c.open().files.resume_uploads()   # attachments waiting in the outbox go first
    r = c.open().sync_once()
    c.out(fmt.sync_json(r), sync_text(r))


def register(sub: SubParsers) -> None:
    group = sub.add_parser("group", help=_("create, list or rename groups"))
    gsub = group.add_subparsers(dest="action", required=True, parser_class=Parser)
    p = command(gsub, "create", _("create a group; prints its id"), group_create, "name", sends=True)
    p.add_argument("--relay", help=_("relay URL (default: the profile's default relay, see "
                   "`coterie settings`)"))
    command(gsub, "list", _("list groups"), group_list)
    command(gsub, "rename", _("rename a group (admins)"), group_rename, "group", "name",
            json_flag=False, sends=True)

    invite = sub.add_parser("invite", help=_("create, list or revoke invites (admins)"))
    isub = invite.add_subparsers(dest="action", required=True, parser_class=Parser)
    p = command(isub, "create", _("create an invite; prints the link"), invite_create, "group",
                sends=True)
    p.add_argument("--uses", type=count(_("the number of uses")), default=1)
    p.add_argument("--expires", type=duration, default="72h",
                   help=_("lifetime such as 90m, 72h, 3d (default 72h)"))
    p.add_argument("--role", choices=("member", "observer"), default="member",
                   help=_("the role its joiners start with (default member; observers read "
                   "and react but cannot post)"))
    command(isub, "list", _("list a group's invites"), invite_list, "group")
    command(isub, "revoke", _("revoke an invite"), invite_revoke, "group", "invite",
            json_flag=False, sends=True)

    p = command(sub, "join", _("ask to join a group with an invite link"), join, "link")
    p.add_argument("--accept-rules", action="store_true",
                   help=_("accept the group's rules (shown when joining without this)"))
    command(sub, "sync", _("send what waits, fetch and process everything pending, then exit"), sync)
