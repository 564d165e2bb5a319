"""Invites of one group; active ones first, newest first."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication

from app.views import InviteView
from ui.models.keyed_list import KeyedListModel
from ui.timefmt import full, number, until


class InviteListModel(KeyedListModel[InviteView]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(lambda i: i.id, parent)

    def set_invites(self, invites: Sequence[InviteView]) -> None:
        self.set_items(sorted(invites, key=lambda i: (i.status != "active", -i.created_at, i.id)))

    def display(self, item: InviteView) -> str:
        total = item.uses_total
        uses = self.tr("{left} of %Ln uses left", "", total).format(
            left=number(item.uses_left))
        if item.status == "active":
            return QCoreApplication.translate("InviteList", "{uses} · expires {when}").format(
                uses=uses, when=until(item.expires_at))
        status = {"revoked": QCoreApplication.translate("InviteList", "Revoked"), "used up": QCoreApplication.translate("InviteList", "Used up"),
                  "expired": QCoreApplication.translate("InviteList", "Expired")}.get(item.status, item.status.capitalize())
        return f"{status} · {uses}"

    def accessible(self, item: InviteView) -> str:
        return QCoreApplication.translate("InviteList", "Invite created {when}: {what}").format(
            when=full(item.created_at), what=self.display(item))
