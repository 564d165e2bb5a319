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
BADGE_MARK = "★"   # in the fonts every desktop has (a medal emoji often is not)


def badge_marks(count: int) -> str:
    """The small mark shown beside a name: a star and how many badges, or nothing."""
    if count <= 0:
        return ""
    return BADGE_MARK if count == 1 else f"{BADGE_MARK}{count}"


class MemberListModel(KeyedListModel[MemberView]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(lambda m: m.fingerprint, parent)
        self._badges: dict[str, int] = {}

    def set_badges(self, counts: dict[str, int]) -> None:
        """How many badges each member (by fingerprint) holds, for the mark by the name."""
        self._badges = dict(counts)
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, 0))

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
        marks = badge_marks(self._badges.get(item.fingerprint, 0))
        return f"{text}  {marks}" if marks else text

    def accessible(self, item: MemberView) -> str:
        return QCoreApplication.translate("MemberList", "{member}, fingerprint {fingerprint}").format(
            member=self.display(item), fingerprint=item.fingerprint)
