"""CLI commands for members and join requests: members, remove, promote, requests,
approve, decline."""
from __future__ import annotations

from app import cli_format as fmt
from app.cli_base import Command, SubParsers, command
from app.i18n import _
from app.views import JoinRequestView, MemberView


def _member_row(m: MemberView) -> tuple[str, ...]:
    return (fmt.person(m.name) + (_(" (you)") if m.is_me else ""), fmt.word(m.role), m.fingerprint,
            m.safety_number)


def members(c: Command) -> None:
    ms = c.open().groups.members(c.args.group)
    c.out({"members": [fmt.member_json(m) for m in ms]},
          fmt.table(_member_row(m) for m in ms))


def remove(c: Command) -> None:
    c.open().groups.remove_member(c.args.group, c.args.member)
    c.say(_("Removed; the group moved to a new key the removed member does not have."))


def promote(c: Command) -> None:
    c.open().groups.promote(c.args.group, c.args.member)
    c.say(_("Promoted to admin."))


def _request_row(r: JoinRequestView) -> tuple[str, ...]:
    return (r.id, fmt.person(r.name), r.fingerprint, fmt.when(r.received_at))


def requests(c: Command) -> None:
    rs = c.open().invites.requests(c.args.group)
    c.out({"requests": [fmt.request_json(r) for r in rs]},
          fmt.table(_request_row(r) for r in rs) or _("No join requests wait."))


def approve(c: Command) -> None:
    c.open().invites.approve(c.args.group, c.args.request)
    c.say(_("Admitted; they can read and post once their app syncs."))


def decline(c: Command) -> None:
    c.open().invites.decline(c.args.group, c.args.request)
    c.say(_("Declined."))


def register(sub: SubParsers) -> None:
    command(sub, "members", _("list a group's members with role and safety number"), members,
            "group")
    for name, help_text, handler in (
            ("remove", _("remove a member (admins)"), remove),
            ("promote", _("make a member an admin (admins)"), promote)):
        command(sub, name, help_text, handler, "group", "member", json_flag=False, sends=True)

    command(sub, "requests", _("list join requests waiting for approval (admins)"), requests,
            "group")
    for name, help_text, handler in (
            ("approve", _("admit a waiting join request (admins)"), approve),
            ("decline", _("decline a waiting join request (admins)"), decline)):
        command(sub, name, help_text, handler, "group", "request", json_flag=False, sends=True)
