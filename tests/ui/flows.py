"""Driving the real window in the flow tests: find what it shows, read what the store
holds. (The world the tests start from: tests/ui/real_services.py.)"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)

from tests.ui.conftest import settle
from tests.ui.real_services import WAIT, App


def open_dialog(win: QWidget, cls: type) -> QWidget:
    found = [d for d in win.findChildren(cls) if d.isVisible()]
    assert found, f"no open {cls.__name__}"
    return found[-1]


def plain(text: str) -> str:
    """Text as read: without the isolates (FSI, PDI) names are wrapped in."""
    return text.replace("\u2068", "").replace("\u2069", "")


def texts(app: App) -> list[str]:
    model = app.window.pane.model
    return [model.post_at(r).text for r in range(model.rowCount())]


def row_of(app: App, post_id: str) -> int:
    row = app.window.pane.model.row_of(post_id)
    assert row >= 0, "the post is not in the open timeline"
    return row


def shown_post(app: App, post_id: str):  # noqa: ANN202
    """The post as the open timeline shows it now."""
    model = app.window.pane.model
    row = model.row_of(post_id)
    return model.post_at(row) if row >= 0 else None


def stored_post(app: App, group: str, post_id: str):  # noqa: ANN202
    """The post as Ana's store holds it."""
    return app.services.posts.get(group, post_id)


def open_group(qtbot, app: App, gid: str) -> None:  # noqa: ANN001
    app.window.sidebar.select(gid)
    qtbot.waitUntil(lambda: app.window.pane.group is not None and app.window.pane.group.id == gid,
                    timeout=WAIT)
    settle(qtbot, app.worker)


def open_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible()]


def answer_open_question(qtbot, asked: list[str], action: str) -> None:  # noqa: ANN001
    """A non-blocking confirmation (ui.widgets.confirm) is open: click its named action."""
    for box in open_boxes():
        asked.append(box.text())
        button = next(b for b in box.buttons() if b.text().replace("&", "") == action)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)



def rows(app: App) -> list:
    model = app.window.pane.model
    return [model.post_at(r) for r in range(model.rowCount())]



CONTROLS = (QAbstractButton, QLineEdit, QPlainTextEdit, QComboBox, QAbstractSpinBox,
            QAbstractItemView)


def unnamed(root: QWidget) -> list[str]:
    bad = []
    for w in root.findChildren(QWidget):
        if isinstance(w, CONTROLS) and w.isVisibleTo(root) and w.parent() is not None:
            name = w.accessibleName() or (w.text() if isinstance(w, QAbstractButton) else "")
            if not name.strip() and not w.objectName().startswith("qt_"):
                bad.append(f"{type(w).__name__} {w.objectName()!r}")
    return bad

