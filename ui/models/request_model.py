"""Join requests waiting for an admin, oldest first."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication

from app.names import isolate
from app.views import JoinRequestView
from ui.models.keyed_list import KeyedListModel


class JoinRequestListModel(KeyedListModel[JoinRequestView]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(lambda r: r.id, parent)

    def set_requests(self, requests: Sequence[JoinRequestView]) -> None:
        self.set_items(sorted((r for r in requests if r.status == "pending"),
                              key=lambda r: (r.received_at, r.id)))

    def display(self, item: JoinRequestView) -> str:
        return f"{isolate(item.name)} · {item.fingerprint}"

    def accessible(self, item: JoinRequestView) -> str:
        return QCoreApplication.translate("RequestList", "Join request from {name}, fingerprint {fingerprint}").format(
            name=isolate(item.name), fingerprint=item.fingerprint)
