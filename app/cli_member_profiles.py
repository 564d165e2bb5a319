"""CLI commands for per-group profiles and badges: `profile GROUP [--name ...]`,
`profile show GROUP MEMBER`, `badge grant|revoke GROUP MEMBER TITLE`.

(The profile *folder* is `--profile DIR`; app/cli_profile.py holds init, recover, settings.)
"""
from __future__ import annotations

import base64
from typing import Any

from app import cli_format as fmt
from app.cli_args import reference
from app.cli_base import Command, Parser, SubParsers, command
from app.errors import InvalidInput
from app.i18n import _
from app.member_profiles import BadgeView, ProfileView


def profile_json(v: ProfileView) -> dict[str, Any]:
    return {"group": v.group_id, "fingerprint": v.fingerprint, "name": v.name,
            "member_name": v.member_name, "pronouns": v.pronouns, "bio": v.bio,
            "timezone": v.timezone, "local_time": v.local_time, "utc_offset": v.utc_offset,
            "avatar": base64.b64encode(v.avatar).decode("ascii") if v.avatar else None,
            "role": v.role, "joined_at": v.joined_at, "is_me": v.is_me,
            "safety_number": v.safety_number, "verified": v.verified,
            "updated_at": v.updated_at, "badges": [badge_json(b) for b in v.badges]}


def badge_json(b: BadgeView) -> dict[str, Any]:
    return {"title": b.title, "kind": b.kind, "code": b.code, "count": b.count,
            "granted_by": b.granted_by, "time": b.time}


def _card(v: ProfileView) -> str:
    lines = [fmt.person(v.name) + (f" ({fmt.safe(v.pronouns)})" if v.pronouns else "")]
    if v.name != v.member_name:
        lines.append(_("On the member list: {name}").format(name=fmt.person(v.member_name)))
    lines.append(_("Role: {role}").format(role=fmt.word(v.role)))
    if v.bio:
        lines += fmt.safe_lines(v.bio)
    if v.local_time:
        lines.append(_("Local time: {time} ({zone}, UTC{offset})").format(
            time=v.local_time, zone=fmt.safe(v.timezone), offset=v.utc_offset))
    if v.joined_at:
        lines.append(_("Joined: {when}").format(when=fmt.when(v.joined_at)))
    if v.avatar:
        lines.append(_("Avatar: {size} bytes").format(size=len(v.avatar)))
    if v.badges:
        lines.append(_("Badges: {titles}").format(
            titles=", ".join(fmt.safe(b.title) for b in v.badges)))
    lines.append(_("Fingerprint: {fp}").format(fp=v.fingerprint))
    return "\n".join(lines)


def profile(c: Command) -> None:
    words = c.args.words
    if words and words[0] == "show" and len(words) == 3:
        if any(getattr(c.args, k) is not None for k in ("name", "pronouns", "bio", "avatar",
                                                         "timezone")) or c.args.no_avatar:
            raise InvalidInput(_("`profile show` changes nothing; leave out the options."))
        v = c.open().member_profiles.show(reference(words[1]), reference(words[2]))
        c.out(profile_json(v), _card(v))
        return
    if len(words) != 1:
        raise InvalidInput(_("Give one GROUP (to see or change your profile there) or "
                             "`show GROUP MEMBER`."))
    group = reference(words[0])
    svc = c.open().member_profiles
    a = c.args
    if any(x is not None for x in (a.name, a.pronouns, a.bio, a.avatar, a.timezone)) \
            or a.no_avatar:
        v = svc.update(group, name=a.name, pronouns=a.pronouns, bio=a.bio, avatar=a.avatar,
                       clear_avatar=a.no_avatar, timezone=a.timezone)
        c.flush()
    else:
        v = svc.mine(group)
    c.out(profile_json(v), _card(v))


def badge_grant(c: Command) -> None:
    c.open().member_profiles.grant_badge(c.args.group, c.args.member, c.args.title)
    c.say(_("Badge granted; every member's app shows it when it syncs."))


def badge_revoke(c: Command) -> None:
    c.open().member_profiles.revoke_badge(c.args.group, c.args.member, c.args.title)
    c.say(_("Badge revoked."))


def register(sub: SubParsers) -> None:
    p = sub.add_parser("profile", help=_("your profile in a group, or `profile show GROUP MEMBER`"))
    p.set_defaults(handler=profile, sends=False)
    p.add_argument("words", nargs="+", metavar="GROUP",
                   help=_("GROUP to see or change your profile there, or: show GROUP MEMBER"))
    p.add_argument("--name", help=_("the name this group sees (\"\" for your member-list name)"))
    p.add_argument("--pronouns", help=_("e.g. she/her (at most 40 bytes)"))
    p.add_argument("--bio", help=_("a few words about you (at most 500 bytes)"))
    p.add_argument("--avatar", metavar="PATH", help=_("a picture, made 128×128 and sent encrypted"))
    p.add_argument("--no-avatar", action="store_true", help=_("remove your avatar"))
    p.add_argument("--timezone", metavar="TZ",
                   help=_("an IANA zone such as Europe/Berlin (\"\" to hide your local time)"))
    p.add_argument("--json", action="store_true", help=_("print one JSON document"))

    b = sub.add_parser("badge", help=_("grant or revoke a member's title (admins)"))
    bsub = b.add_subparsers(dest="action", required=True, parser_class=Parser)
    for name, handler, text in (("grant", badge_grant, _("give a member a title")),
                                ("revoke", badge_revoke, _("take a title back"))):
        q = command(bsub, name, text, handler, "group", "member", json_flag=False, sends=True)
        q.add_argument("title", help=_("such as Mentor (at most 40 bytes)"))
