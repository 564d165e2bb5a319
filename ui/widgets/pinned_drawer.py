"""The pinned posts of the open channel: a bar under the header that opens into a list;
choosing a pin jumps to the post."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QListWidget,
    QListWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.views import PostView
from ui.context import AppContext

MAX_ROWS_SHOWN = 6


class PinnedDrawer(QFrame):
    jump = Signal(str)     # post id

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pinnedDrawer")
        self._ctx = ctx
        self._gen = 0
        self.pins: list[PostView] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 4, 16, 4)
        layout.setSpacing(2)
        self.toggle = QToolButton()
        self.toggle.setCheckable(True)
        self.toggle.setAutoRaise(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setAccessibleName(QCoreApplication.translate("PinnedDrawer", "Pinned posts"))
        self.toggle.toggled.connect(self._opened)
        layout.addWidget(self.toggle)
        self.list = QListWidget()
        self.list.setObjectName("pinnedList")
        self.list.setAccessibleName(QCoreApplication.translate("PinnedDrawer", "Pinned posts"))
        self.list.itemActivated.connect(self._chosen)
        self.list.itemClicked.connect(self._chosen)
        self.list.hide()
        layout.addWidget(self.list)
        self.hide()

    def load(self, group_id: str, channel_id: str) -> None:
        self._gen += 1
        gen, svc = self._gen, self._ctx.services
        self._ctx.worker.run(lambda: svc.channels.pins(group_id, channel_id),
                             lambda pins: self._show(gen, pins), lambda e: None, owner=self)

    def clear(self) -> None:
        self._gen += 1
        self._show(self._gen, [])

    def _show(self, gen: int, pins: list[PostView]) -> None:
        if gen != self._gen:
            return
        self.pins = list(pins)
        self.list.clear()
        for p in self.pins:
            first = p.title or " ".join(p.text.split())
            item = QListWidgetItem(f"{p.sender_name}: {first[:160]}")
            item.setData(Qt.ItemDataRole.UserRole, p.id)
            self.list.addItem(item)
        n = len(self.pins)
        self.toggle.setText(QCoreApplication.translate("PinnedDrawer", "Pinned ({count})").format(count=n))
        self.list.setFixedHeight(min(MAX_ROWS_SHOWN, max(1, n)) * 26 + 6)
        self.setVisible(n > 0)
        if not n:
            self.toggle.setChecked(False)

    def _opened(self, on: bool) -> None:
        self.list.setVisible(on)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)

    def _chosen(self, item: QListWidgetItem) -> None:
        self.jump.emit(item.data(Qt.ItemDataRole.UserRole))
