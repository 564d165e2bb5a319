"""Invites of one group; active ones first, newest first."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.views import InviteView
from ui.models.keyed_list import KeyedListModel
from ui.timefmt import full, until


class InviteListModel(KeyedListModel[InviteView]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(lambda i: i.id, parent)

    def set_invites(self, invites: Sequence[InviteView]) -> None:
        self.set_items(sorted(invites, key=lambda i: (i.status != "active", -i.created_at, i.id)))

    def display(self, item: InviteView) -> str:
        uses = f"{item.uses_left} of {item.uses_total} uses left"
        if item.status == "active":
            return f"{uses} · expires {until(item.expires_at)}"
        return f"{item.status.capitalize()} · {uses}"

    def accessible(self, item: InviteView) -> str:
        return f"Invite created {full(item.created_at)}: {self.display(item)}"
