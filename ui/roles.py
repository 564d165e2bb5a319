"""Role names and what each role may do, as the window shows them (translated)."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication


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
