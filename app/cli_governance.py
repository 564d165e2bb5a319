"""CLI commands for governance: `role` (owner, admin, moderator, member, observer)."""
from __future__ import annotations

from app.cli_base import Command, SubParsers, command
from app.governance import ROLE_HELP, ROLES


def role(c: Command) -> None:
    c.open().governance.set_role(c.args.group, c.args.member, c.args.role)
    if c.args.role == "owner":
        c.say("Ownership handed over; you stay an admin.")
    else:
        c.say(f"Role set to {c.args.role}; every member's app applies it when it syncs.")


def register(sub: SubParsers) -> None:
    p = command(sub, "role", "give a member a role (admins; owner hands ownership over)", role,
                "group", "member", json_flag=False, sends=True)
    p.add_argument("role", choices=ROLES,
                   help="; ".join(f"{r}: {ROLE_HELP[r]}" for r in ROLES))
