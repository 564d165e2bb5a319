"""Members of one group, by role (owner, admins, moderators, members, observers) then by
name."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication

from app.names import isolate
from app.views import MemberView
from ui.models.keyed_list import KeyedListModel
from ui.roles import role_title

_RANK = {"owner": 0, "admin": 1, "moderator": 2, "member": 3, "observer": 4}


class MemberListModel(KeyedListModel[MemberView]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(lambda m: m.fingerprint, parent)

    def set_members(self, members: Sequence[MemberView]) -> None:
        self.set_items(sorted(members, key=lambda m: (_RANK.get(m.role, 3), m.name.casefold(),
                                                      m.fingerprint)))

    def display(self, item: MemberView) -> str:
        text = (QCoreApplication.translate("MemberList", "{name} (you)") if item.is_me else "{name}").format(
            name=isolate(item.name))
        if item.role != "member":
            text = QCoreApplication.translate("MemberList", "{member} · {role}").format(
                member=text, role=role_title(item.role).lower())
        if item.verified:
            text = QCoreApplication.translate("MemberList", "{member} · ✓ verified").format(member=text)
        return text

    def accessible(self, item: MemberView) -> str:
        return QCoreApplication.translate("MemberList", "{member}, fingerprint {fingerprint}").format(
            member=self.display(item), fingerprint=item.fingerprint)
