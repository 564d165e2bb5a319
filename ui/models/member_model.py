"""Members of one group, admins first then by name."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication

from app.names import isolate
from app.views import MemberView
from ui.models.keyed_list import KeyedListModel


class MemberListModel(KeyedListModel[MemberView]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(lambda m: m.fingerprint, parent)

    def set_members(self, members: Sequence[MemberView]) -> None:
        self.set_items(sorted(members, key=lambda m: (m.role != "admin", m.name.casefold(),
                                                      m.fingerprint)))

    def display(self, item: MemberView) -> str:
        text = (QCoreApplication.translate("MemberList", "{name} (you)") if item.is_me else "{name}").format(
            name=isolate(item.name))
        if item.role == "admin":
            text = QCoreApplication.translate("MemberList", "{member} · admin").format(member=text)
        if item.verified:
            text = QCoreApplication.translate("MemberList", "{member} · ✓ verified").format(member=text)
        return text

    def accessible(self, item: MemberView) -> str:
        return QCoreApplication.translate("MemberList", "{member}, fingerprint {fingerprint}").format(
            member=self.display(item), fingerprint=item.fingerprint)
