"""The Qt bindings keep reference counts straight (PySide6 6.12.0 on Python 3.11 did not:
every Signal.emit and every invalid QVariant dropped a reference to True or None until
CPython aborted; pyproject pins below 6.12 and this test notices a regression)."""
from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel


class Emitter(QObject):
    ping = Signal(object)


def test_signals_and_empty_roles_keep_singleton_counts(qapp) -> None:
    emitter = Emitter()
    seen = []
    emitter.ping.connect(seen.append)
    model = QStandardItemModel()
    model.appendRow(QStandardItem("x"))
    index = model.index(0, 0)
    before = sys.getrefcount(True), sys.getrefcount(None)
    for i in range(2000):
        emitter.ping.emit(None if i % 2 else False)
        assert index.data(0x100 + 7) is None  # a role nobody set: an invalid QVariant
    seen.clear()
    after = sys.getrefcount(True), sys.getrefcount(None)
    assert after[0] >= before[0] - 10
    assert after[1] >= before[1] - 10
