"""Role names and what each role may do, as the window shows them (translated)."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.governance import can
from app.views import GroupSummary

# The actions of the one permission table (crypto's `can`, docs/protocol.md §8.1) that
# decide which controls the window offers.
POST = "post"
MODERATE = "moderate"
MANAGE_CHANNELS = "manage_channels"   # channels, pins, library tags
ANNOUNCE = "announce"                 # top-level posts in an announcements channel
MANAGE_MEMBERS = "manage_members"     # invites, join requests, removals, the group's name
MANAGE_ROLES = "manage_roles"


def may(group: GroupSummary | None, action: str) -> bool:
    """Whether my role in `group` allows `action` while I am still in it: the same table
    every client's rules use, so owners, admins and moderators each get their controls."""
    return group is not None and group.status == "active" and can(group.my_role, action)


def role_title(role: str) -> str:
    """Owner, Admin, Moderator, Member or Observer."""
    return {
        "owner": QCoreApplication.translate("Roles", "Owner"),
        "admin": QCoreApplication.translate("Roles", "Admin"),
        "moderator": QCoreApplication.translate("Roles", "Moderator"),
        "observer": QCoreApplication.translate("Roles", "Observer"),
    }.get(role, QCoreApplication.translate("Roles", "Member"))


def role_help(role: str) -> str:
    """What the role may do, in a few words."""
    return {
        "owner": QCoreApplication.translate("Roles", "everything, and can hand ownership over"),
        "admin": QCoreApplication.translate("Roles", "manages members, roles and invites, moderates"),
        "moderator": QCoreApplication.translate("Roles", "removes posts and moderates; cannot change roles or members"),
        "observer": QCoreApplication.translate("Roles", "reads and reacts; cannot post"),
    }.get(role, QCoreApplication.translate("Roles", "posts and reacts"))
