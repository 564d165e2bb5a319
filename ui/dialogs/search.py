"""Search across all groups (Ctrl+K) or within one (Ctrl+F): results as you type, matched
words highlighted; Enter opens the selected result in its conversation."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QListView, QVBoxLayout, QWidget

from app.names import isolate
from app.views import GroupSummary, SearchHit
from ui.context import AppContext
from ui.delegates.search_delegate import SearchDelegate
from ui.dialogs.base import ServiceDialog
from ui.models.keyed_list import ITEM_ROLE
from ui.models.search_model import SearchResultModel

DEBOUNCE_MS = 150
LIMIT = 50


class SearchField(QLineEdit):
    """Up/Down move through the results while typing continues in the field."""

    step = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.step.emit(1)
            return
        if event.key() == Qt.Key.Key_Up:
            self.step.emit(-1)
            return
        super().keyPressEvent(event)


class SearchDialog(ServiceDialog):
    jump = Signal(str, str)  # group id, post id (hits that are posts)
    open_hit = Signal(object)  # any SearchHit: a post, a channel or a forum topic

    def __init__(self, ctx: AppContext, group: GroupSummary | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx.worker, QCoreApplication.translate("SearchDialog", "Search"), parent)
        self._ctx = ctx
        self._group = group
        self._seq = 0
        self.setMinimumSize(560, 460)
        self.field = SearchField()
        self.field.setPlaceholderText(QCoreApplication.translate("SearchDialog", "Search posts, files, the library, channels and topics…"))
        self.field.setAccessibleName(QCoreApplication.translate("SearchDialog", "Search text"))
        self.field.setClearButtonEnabled(True)
        self.scope = QCheckBox(QCoreApplication.translate("SearchDialog", 'Only in “{isolate}”').format(isolate=isolate(group.name)) if group else "")
        self.scope.setAccessibleName(QCoreApplication.translate("SearchDialog", "Search only in this group"))
        self.scope.setChecked(group is not None)
        self.scope.setVisible(group is not None)
        self.model = SearchResultModel(self)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setItemDelegate(SearchDelegate(ctx.theme.theme, self.list))
        self.list.setAccessibleName(QCoreApplication.translate("SearchDialog", "Search results"))
        self.list.setUniformItemSizes(True)
        # rows are as wide as the list: a horizontal scrollbar would only ever scroll margin
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.activated.connect(self._open)
        self.status = QLabel(QCoreApplication.translate("SearchDialog", "Type to search every group you are in.") if group is None
                             else QCoreApplication.translate("SearchDialog", "Type to search."))
        self.status.setObjectName("hint")
        self.status.setAccessibleName(QCoreApplication.translate("SearchDialog", "Search status"))
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.run_search)
        self.field.textChanged.connect(lambda _t: self._timer.start())
        self.scope.toggled.connect(lambda _on: self.run_search())
        self.field.returnPressed.connect(self._open_current)
        self.field.step.connect(self._step)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.addWidget(self.field)
        layout.addWidget(self.scope)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.error_label)
        self.field.setFocus()

    def run_search(self) -> None:
        query = self.field.text().strip()
        self._seq += 1
        seq = self._seq
        if not query:
            self.model.set_hits([])
            self.status.setText(QCoreApplication.translate("SearchDialog", "Type to search."))
            return
        gid = self._group.id if self._group is not None and self.scope.isChecked() else None
        svc = self._ctx.services
        # one more than shown: tells whether there are more matches than the list holds
        self._ctx.worker.run(lambda: (svc.search.find_spaces(query, gid, LIMIT)
                                      + svc.search.find(query, gid, LIMIT + 1)),
                             lambda hits: self._show(seq, hits),
                             lambda e: self.show_error(str(e)), owner=self)

    def _show(self, seq: int, hits: list[SearchHit]) -> None:
        if seq != self._seq:
            return  # an older query answered late
        more = len(hits) > LIMIT
        self.model.set_hits(hits[:LIMIT])
        n = self.model.rowCount()
        if n == 0:
            self.status.setText(QCoreApplication.translate("SearchDialog", "No posts match."))
        elif more:
            self.status.setText(self.tr("The %Ln best of more results — add words to narrow the "
                                        "search. Enter opens the selected one", "", n))
        else:
            self.status.setText(QCoreApplication.translate(
                "SearchDialog", "1 result — Enter opens the selected one") if n == 1 else
                self.tr("%Ln results — Enter opens the selected one", "", n))
        if n and not self.list.currentIndex().isValid():
            self.list.setCurrentIndex(self.model.index(0, 0))

    def _step(self, delta: int) -> None:
        n = self.model.rowCount()
        if not n:
            return
        row = max(0, min(n - 1, self.list.currentIndex().row() + delta))
        self.list.setCurrentIndex(self.model.index(row, 0))

    def _open_current(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self.run_search()
            return
        index = self.list.currentIndex()
        if index.isValid():
            self._open(index)

    def _open(self, index: QModelIndex) -> None:
        hit: SearchHit | None = index.data(ITEM_ROLE)
        if hit is not None:
            self.open_hit.emit(hit)
            if hit.kind == "post":
                self.jump.emit(hit.group_id, hit.post_id)
            self.accept()
