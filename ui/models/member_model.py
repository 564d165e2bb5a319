"""Members of one group, admins first then by name."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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
        suffix = " (you)" if item.is_me else ""
        role = " · admin" if item.role == "admin" else ""
        verified = " · ✓ verified" if item.verified else ""
        return f"{isolate(item.name)}{suffix}{role}{verified}"

    def accessible(self, item: MemberView) -> str:
        return f"{self.display(item)}, fingerprint {item.fingerprint}"
