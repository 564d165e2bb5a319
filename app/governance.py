"""Roles in a group (owner, admin, moderator, member, observer): reading and changing them.

A role change is an admin-signed control entry every member's client checks
(crypto.governance, docs/protocol.md §8.1); this service only names the member and
commits the entry with the members it implies, as every membership change does.
"""
from __future__ import annotations

import crypto
from app.access import Access
from app.admin import membership_op
from app.errors import InvalidInput
from app.i18n import _

ROLES: tuple[str, ...] = tuple(crypto.ROLES)
ROLE_TITLES = {"owner": "Owner", "admin": "Admin", "moderator": "Moderator",
               "member": "Member", "observer": "Observer"}
# What each role may do, in words, for the CLI help (the members dialog has its own, in Qt's
# catalogue).
def role_help(role: str) -> str:
    return {
        "owner": _("everything, and can hand ownership over"),
        "admin": _("manages members, roles and invites, moderates"),
        "moderator": _("removes posts and moderates; cannot change roles or members"),
        "member": _("posts and reacts"),
        "observer": _("reads and reacts; cannot post"),
    }[role]


def can(role: str, action: str) -> bool:
    """The one permission table (crypto.governance.can): `action` is one of post, react,
    moderate, manage_members, manage_roles, hand_over."""
    return crypto.can(role, action)


def outranks(role: str, other: str) -> bool:
    """Whether `role` ranks above `other`: a timeout reaches only members ranked below
    the one who sets it (crypto.governance.outranks)."""
    return crypto.outranks(role, other)


def announces(session: crypto.GroupSession) -> bool:
    """Whether my role may post top-level in an announcements channel (owner, admin,
    moderator: the table's announce action)."""
    return crypto.can(session.my_role or "", "announce")


class GovernanceService:
    """Roles of the members of a group."""

    def __init__(self, access: Access) -> None:
        self._access = access

    def set_role(self, group: str, member: str, role: str) -> None:
        """Give MEMBER a role (admins). `owner` hands ownership over (the owner only); the
        former owner stays an admin."""
        if role not in ROLES:
            raise InvalidInput(_("A role is one of {roles}.").format(roles=", ".join(ROLES)))
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        target = rt.resolve_member(gid, member)
        if target.role == role:
            raise InvalidInput((_("{name} is already the owner.") if role == "owner" else
                                _("{name} already has that role.")).format(name=target.name))
        membership_op(rt, group, lambda s: s.set_role(target.ik, role, rt.now(), rt.rng))

    def my_role(self, group: str) -> str:
        """My role in GROUP (owner, admin, moderator, member, observer); "member" once I
        was removed."""
        rt = self._access.runtime()
        record = rt.resolve_group(group)
        return rt.session(record.id).my_role or "member"
