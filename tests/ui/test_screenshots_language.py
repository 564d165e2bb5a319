"""The window in German and in a right-to-left language (Arabic locale: Coterie ships no
Arabic words, so the text stays English, but the layout mirrors and digits, days and dates
are Arabic), rendered offscreen to PNG for a person to look at (COTERIE_SCREENSHOTS)."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from app import i18n as app_i18n
from app.api import Services
from app.devices import LinkFailed
from tests.keyring_double import MemoryKeyring
from tests.ui.conftest import settle
from tests.ui.real_services import WAIT, LiveWorld, close_app, open_app
from tests.ui.test_screenshots import _check, _out_dir, _rows
from ui import i18n, timefmt
from ui.dialogs.device_join import JoinDeviceDialog, advice
from ui.dialogs.first_run import FirstRunDialog
from ui.dialogs.members import MembersDialog
from ui.dialogs.settings import SettingsDialog


@pytest.fixture
def language(request, qapp: QApplication) -> Iterator[str]:  # noqa: ANN001
    saved = QLocale()
    installed = i18n.install(qapp, QLocale(request.param))
    try:
        yield request.param
    finally:
        for translator in installed:
            qapp.removeTranslator(translator)
        QLocale.setDefault(saved)
        timefmt.locale_changed()
        app_i18n.use_language(None)
        qapp.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


def _texts(widget) -> str:  # noqa: ANN001
    return " ".join([w.text() for w in widget.findChildren(QLabel)]
                    + [w.text() for w in widget.findChildren(QPushButton)])


@pytest.mark.parametrize("language", ["de_DE", "ar_EG"], indirect=True)
def test_the_window_in_another_language(qtbot, qapp, world: LiveWorld, worker, tmp_path: Path,
                                        language: str) -> None:
    out = _out_dir(tmp_path)
    app = open_app(qtbot, qapp, world, "Ana")
    try:
        win = app.window
        win.resize(1100, 720)
        qtbot.waitUntil(lambda: bool(win.groups), timeout=WAIT)
        win.select_group(world.groups["Book club"])
        qtbot.waitUntil(lambda: win.pane.model.rowCount() > 0, timeout=WAIT)
        settle(qtbot, app.worker)
        app.ctx.theme.apply("light")
        _check(win, f"main_window_{language}", "light", out)
        members = MembersDialog(app.ctx, win.pane.group, win)
        qtbot.addWidget(members)
        members.show()
        settle(qtbot, app.worker)
        _check(members, f"members_{language}", "light", out)
        settings = SettingsDialog(app.ctx, win)
        qtbot.addWidget(settings)
        settings.show()
        settle(qtbot, app.worker)
        _check(settings, f"settings_{language}", "light", out)
        first = FirstRunDialog(Services(tmp_path / "new", keyring_backend=MemoryKeyring()),
                               worker, keyring=True)
        qtbot.addWidget(first)
        first.show()
        _check(first, f"first_run_{language}", "light", out)
        join = JoinDeviceDialog(first._services, worker, True, first)
        qtbot.addWidget(join)
        join.show()
        join.show_error(advice(LinkFailed("x", "gone")).removeprefix("x "))
        _check(join, f"device_join_{language}", "light", out)
        if language == "de_DE":
            assert "Mitglieder" in _texts(win) or "Mitglied" in win.pane.header.subtitle.text()
            assert "Fingerabdruck" in _texts(members)
            assert "Willkommen bei Coterie" in _texts(first)
            assert "Verknüpfungscode" in _texts(join) and "neuen Code" in _texts(join)
            # the app's own sentences (timeline notes) follow the window's language
            notes = [p.text for p in _rows(win) if p.kind == "event"]
            assert "Du hast die Gruppe erstellt" in notes, notes
            assert win.layoutDirection() == Qt.LayoutDirection.LeftToRight
        else:
            assert win.layoutDirection() == Qt.LayoutDirection.RightToLeft
            assert members.layoutDirection() == Qt.LayoutDirection.RightToLeft
            # the sidebar sits on the right, the conversation on the left
            assert win.sidebar.mapTo(win, win.sidebar.rect().topLeft()).x() > win.width() / 3
        for dialog in (members, settings, join, first):
            dialog.close()
    finally:
        close_app(app)
