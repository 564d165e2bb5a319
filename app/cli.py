"""The headless CLI: `coterie [--profile DIR] COMMAND ...` against the same services as the app.

Every error is one sentence on stderr and a non-zero exit code, never a traceback (set
COTERIE_DEBUG=1 to see one for an unexpected failure). `--json` prints one JSON document on
stdout; its shapes are documented in docs/cli.md.
"""
from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TextIO

from app import cli_format as fmt
from app.errors import AppError, InvalidInput, InviteError, ProfileError
from app.profile import default_profile_dir, parse_duration

ENV_PASSPHRASE = "COTERIE_PASSPHRASE"
ENV_DEBUG = "COTERIE_DEBUG"


class _UsageError(Exception):
    """argparse refused the command line (one sentence, exit code 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="coterie", description="Private, invite-only groups (headless commands).")
    p.add_argument("--profile", metavar="DIR", help="profile directory (default: COTERIE_HOME "
                   "or the platform's user data dir)")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def cmd(name: str, help_text: str, json_flag: bool = True) -> argparse.ArgumentParser:
        c = sub.add_parser(name, help=help_text)
        if json_flag:
            c.add_argument("--json", action="store_true", help="print one JSON document")
        return c

    c = cmd("init", "create a profile")
    c.add_argument("--name", required=True)
    c.add_argument("--no-keyring", action="store_true",
                   help="protect the profile with a passphrase even when a keyring exists")

    c = cmd("recover", "open the profile with the recovery code and set a new passphrase")
    c.add_argument("--code", help="the recovery code (prompted when omitted)")

    group = sub.add_parser("group", help="create, list or rename groups")
    gsub = group.add_subparsers(dest="action", required=True, parser_class=_Parser)
    c = gsub.add_parser("create", help="create a group; prints its id")
    c.add_argument("name")
    c.add_argument("--relay", help="relay URL (default: the profile's default relay)")
    c.add_argument("--json", action="store_true")
    c = gsub.add_parser("list", help="list groups")
    c.add_argument("--json", action="store_true")
    c = gsub.add_parser("rename", help="rename a group (admins)")
    c.add_argument("group")
    c.add_argument("name")

    invite = sub.add_parser("invite", help="create, list or revoke invites (admins)")
    isub = invite.add_subparsers(dest="action", required=True, parser_class=_Parser)
    c = isub.add_parser("create", help="create an invite; prints the link")
    c.add_argument("group")
    c.add_argument("--uses", type=int, default=1)
    c.add_argument("--expires", default="72h", help="lifetime such as 90m, 72h, 3d (default 72h)")
    c.add_argument("--json", action="store_true")
    c = isub.add_parser("list", help="list a group's invites")
    c.add_argument("group")
    c.add_argument("--json", action="store_true")
    c = isub.add_parser("revoke", help="revoke an invite")
    c.add_argument("group")
    c.add_argument("invite")

    c = cmd("join", "ask to join a group with an invite link")
    c.add_argument("link")
    cmd("sync", "send what waits, fetch and process everything pending, then exit")

    c = cmd("post", "post to a group; prints the post id")
    c.add_argument("group")
    c.add_argument("text")
    c = cmd("reply", "reply to a post; prints the new post id")
    c.add_argument("group")
    c.add_argument("post")
    c.add_argument("text")
    c = cmd("react", "add (or with --off remove) a reaction", json_flag=False)
    c.add_argument("group")
    c.add_argument("post")
    c.add_argument("emoji")
    c.add_argument("--off", action="store_true")
    c = cmd("edit", "edit one of your posts", json_flag=False)
    c.add_argument("group")
    c.add_argument("post")
    c.add_argument("text")
    c = cmd("delete", "delete your post (admins: anyone's)", json_flag=False)
    c.add_argument("group")
    c.add_argument("post")

    c = cmd("read", "show a group's latest posts")
    c.add_argument("group")
    c.add_argument("--limit", type=int, default=50)
    c = cmd("members", "list a group's members with role and safety number")
    c.add_argument("group")
    c = cmd("remove", "remove a member (admins)", json_flag=False)
    c.add_argument("group")
    c.add_argument("member")
    c = cmd("promote", "make a member an admin (admins)", json_flag=False)
    c.add_argument("group")
    c.add_argument("member")
    c = cmd("search", "full-text search")
    c.add_argument("query")
    c.add_argument("--group")
    c.add_argument("--limit", type=int, default=20)

    c = cmd("requests", "list join requests waiting for approval (admins)")
    c.add_argument("group")
    c = cmd("approve", "admit a waiting join request (admins)", json_flag=False)
    c.add_argument("group")
    c.add_argument("request")
    c = cmd("decline", "decline a waiting join request (admins)", json_flag=False)
    c.add_argument("group")
    c.add_argument("request")
    return p


# -- passphrase sources ----------------------------------------------------------------------

def _interactive(stdin: TextIO) -> bool:
    try:
        return stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _passphrase(prompt: str, confirm: bool = False) -> str:
    env = os.environ.get(ENV_PASSPHRASE)
    if env:
        return env
    if not _interactive(sys.stdin):
        raise ProfileError(f"This profile needs a passphrase: run in a terminal or set {ENV_PASSPHRASE}.")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Repeat the passphrase: ") != first:
        raise InvalidInput("The two passphrases differ; nothing was created.")
    if not first:
        raise InvalidInput("The passphrase cannot be empty.")
    return first


def _open(args: argparse.Namespace) -> Any:
    """Services for --profile, unlocked with the keyring or a passphrase."""
    from app.api import Services
    from app.views import ProfileState

    svc = Services(default_profile_dir(args.profile))
    state = svc.profile.state()
    if state is ProfileState.NEW:
        raise ProfileError("There is no profile here yet; run `coterie init --name NAME` first.")
    info = svc.profile.unlock_info()
    if info.keyring:
        svc.profile.unlock(None)
    else:
        svc.profile.unlock(_passphrase("Passphrase: "))
    return svc


# -- commands --------------------------------------------------------------------------------

def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _out(args: argparse.Namespace, document: dict[str, Any], text: str) -> None:
    print(fmt.dumps(document) if getattr(args, "json", False) else text)


def _init(args: argparse.Namespace) -> None:
    from app.api import Services

    svc = Services(default_profile_dir(args.profile))
    passphrase = None
    if args.no_keyring or not svc.profile.keyring_available():
        passphrase = _passphrase("Choose a passphrase: ", confirm=True)
    try:
        code = svc.profile.create(args.name, passphrase)
        me = svc.profile.me()
    finally:
        svc.close()
    _out(args, {"name": me.name, "fingerprint": me.fingerprint, "protection": me.protection,
                "recovery_code": code},
         f"Profile created for {me.name}.\nFingerprint: {me.fingerprint}\n"
         f"Recovery code (write it down; it is shown only once): {code}")


def _recover(args: argparse.Namespace) -> None:
    from app.api import Services

    svc = Services(default_profile_dir(args.profile))
    code = args.code
    if not code:
        if not _interactive(sys.stdin):
            raise InvalidInput("Give the recovery code with --code when not in a terminal.")
        code = getpass.getpass("Recovery code: ")
    new = None if svc.profile.keyring_available() else _passphrase("New passphrase: ", confirm=True)
    try:
        svc.profile.unlock_with_recovery(code, new)
    finally:
        svc.close()
    _out(args, {"recovered": True}, "Profile unlocked; the new protection is in place.")


# Commands that change something the group must hear about: the CLI sends it right away
# (and takes in whatever is pending), so a script needs no separate `sync`.
SENDING = {"group", "invite", "join", "post", "reply", "react", "edit", "delete", "remove",
           "promote", "approve", "decline"}
FLUSH_TIMEOUT = 20.0


def _flush(args: argparse.Namespace, svc: Any) -> None:
    if args.command not in SENDING or getattr(args, "action", None) == "list":
        return
    report = svc.sync_once(FLUSH_TIMEOUT)
    if report.offline:
        print(f"coterie: saved; {', '.join(report.offline)} could not be reached, so it will "
              "be sent on the next sync.", file=sys.stderr)


def _run(args: argparse.Namespace, svc: Any) -> None:  # noqa: C901 - a flat dispatch table
    c = args.command
    if c == "group":
        if args.action == "create":
            g = svc.groups.create(args.name, args.relay)
            _out(args, fmt.group_json(g), g.id)
        elif args.action == "list":
            gs = svc.groups.list()
            _out(args, {"groups": [fmt.group_json(g) for g in gs]},
                 fmt.table([(g.id, g.name, g.my_role, f"{g.member_count} members",
                             f"{g.unread} unread", "" if g.status == "active" else g.status)
                            for g in gs]) or "No groups yet.")
        else:
            svc.groups.rename(args.group, args.name)
            print("Renamed.")
    elif c == "invite":
        if args.action == "create":
            if args.uses < 1:
                raise InvalidInput("An invite needs at least one use.")
            inv = svc.invites.create(args.group, args.uses, parse_duration(args.expires))
            _out(args, fmt.invite_json(inv), inv.link)
        elif args.action == "list":
            invs = svc.invites.list(args.group)
            _out(args, {"invites": [fmt.invite_json(i) for i in invs]},
                 fmt.table([(i.id, i.status, f"{i.uses_left}/{i.uses_total} uses left",
                             f"expires {fmt.when(i.expires_at)}") for i in invs])
                 or "No invites.")
        else:
            svc.invites.revoke(args.group, args.invite)
            print("Invite revoked.")
    elif c == "join":
        j = svc.invites.join(args.link)
        _flush(args, svc)
        j = next((x for x in svc.invites.joins() if x.id == j.id), j)
        if j.status == "failed":
            raise InviteError(j.message)
        _out(args, fmt.join_json(j), j.message)
        return
    elif c == "sync":
        r = svc.sync_once()
        text = f"Sent {r.sent}, received {r.received}, {_n(r.new_posts, 'new post')}."
        if r.joined:
            text += f" Joined {_n(len(r.joined), 'group')}."
        if r.admitted:
            text += f" Admitted {_n(r.admitted, 'member')}."
        if r.waiting_requests:
            text += (f" {_n(r.waiting_requests, 'join request')} "
                     f"{'waits' if r.waiting_requests == 1 else 'wait'} for approval.")
        for warning in r.warnings:
            text += f"\n! {warning}"
        if r.offline:
            text += f"\nCould not reach {', '.join(r.offline)}; what waits will go out next time."
        _out(args, fmt.sync_json(r), text)
    elif c in ("post", "reply"):
        p = (svc.posts.post(args.group, args.text) if c == "post"
             else svc.posts.reply(args.group, args.post, args.text))
        _out(args, fmt.post_json(p), p.id)
    elif c == "react":
        svc.posts.react(args.group, args.post, args.emoji, on=not args.off)
    elif c == "edit":
        svc.posts.edit(args.group, args.post, args.text)
    elif c == "delete":
        svc.posts.delete(args.group, args.post)
    elif c == "read":
        if args.limit < 1:
            raise InvalidInput("--limit must be at least 1.")
        g = svc.groups.get(args.group)
        page = svc.posts.latest(g.id, args.limit)
        posts = [p for p in page.posts if p.kind != "warning"]
        warnings = [p for p in page.posts if p.kind == "warning"]
        doc = {"group": fmt.group_json(g), "posts": [fmt.post_json(p) for p in posts],
               "warnings": [fmt.warning_json(w) for w in warnings],
               "more_before": page.more_before}
        _out(args, doc, "\n".join(fmt.post_text(p) for p in page.posts) or "No posts yet.")
        svc.groups.mark_read(g.id)
    elif c == "members":
        ms = svc.groups.members(args.group)
        _out(args, {"members": [fmt.member_json(m) for m in ms]},
             fmt.table([(m.name + (" (you)" if m.is_me else ""), m.role, m.fingerprint,
                         m.safety_number) for m in ms]))
    elif c == "remove":
        svc.groups.remove_member(args.group, args.member)
        print("Removed; the group moved to a new key the removed member does not have.")
    elif c == "promote":
        svc.groups.promote(args.group, args.member)
        print("Promoted to admin.")
    elif c == "search":
        hits = svc.search.find(args.query, args.group, args.limit)
        _out(args, {"hits": [fmt.hit_json(h) for h in hits]},
             "\n".join(fmt.hit_text(h) for h in hits) or "Nothing found.")
    elif c == "requests":
        rs = svc.invites.requests(args.group)
        _out(args, {"requests": [fmt.request_json(r) for r in rs]},
             fmt.table([(r.id, r.name, r.fingerprint, fmt.when(r.received_at)) for r in rs])
             or "No join requests wait.")
    elif c == "approve":
        svc.invites.approve(args.group, args.request)
        print("Admitted; they can read and post once their app syncs.")
    elif c == "decline":
        svc.invites.decline(args.group, args.request)
        print("Declined.")
    else:  # pragma: no cover - argparse only lets known commands through
        raise InvalidInput(f"Unknown command {c}.")


COMMANDS_WITHOUT_UNLOCK: dict[str, Callable[[argparse.Namespace], None]] = {
    "init": _init, "recover": _recover,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one CLI command; returns the exit code (0 on success)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(args_list)
    except _UsageError as exc:
        print(f"coterie: {exc}; see `coterie --help`.", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    svc = None
    try:
        handler = COMMANDS_WITHOUT_UNLOCK.get(args.command)
        if handler is not None:
            handler(args)
        else:
            svc = _open(args)
            _run(args, svc)
            if args.command != "join":
                _flush(args, svc)
        return 0
    except AppError as exc:
        print(f"coterie: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("coterie: interrupted.", file=sys.stderr)
        return 130
    except Exception as exc:  # the promise: never a traceback for the user
        if os.environ.get(ENV_DEBUG):
            raise
        print(f"coterie: an unexpected error stopped the command ({type(exc).__name__}); "
              f"set {ENV_DEBUG}=1 to see details.", file=sys.stderr)
        return 70
    finally:
        if svc is not None:
            try:
                svc.close()
            except Exception:  # closing must not replace the command's own outcome
                pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
