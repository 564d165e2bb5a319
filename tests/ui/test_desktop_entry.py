"""Coterie in the desktop's launcher: `coterie --install-desktop-entry`, its undo, and the
app's one-time offer; all inside XDG_DATA_HOME / XDG_CONFIG_HOME in tmp_path."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox, QWidget

from ui import desktop_entry
from ui.desktop_offer import OFFERED_KEY, offer_desktop_entry

ROOT = Path(__file__).resolve().parents[2]
OTHER = "[Default Applications]\ntext/html=firefox.desktop;\n\n[Added Associations]\nimage/png=gimp.desktop;\n"


def _xdg(tmp_path: Path) -> dict[str, str]:
    return {"XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config")}


def _coterie(tmp_path: Path, flag: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **_xdg(tmp_path), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", "import sys; from ui.launcher import main; "
                           "sys.exit(main(sys.argv[1:]))", flag],
                          capture_output=True, text=True, env=env, timeout=60, cwd=tmp_path)


def test_install_writes_entry_icon_and_scheme_handler_and_uninstall_removes_them(
        tmp_path: Path) -> None:
    mimeapps = tmp_path / "config" / "mimeapps.list"
    mimeapps.parent.mkdir(parents=True)
    mimeapps.write_text(OTHER)
    done = _coterie(tmp_path, "--install-desktop-entry")
    assert done.returncode == 0, done.stderr
    entry = tmp_path / "data" / "applications" / "coterie.desktop"
    icon = tmp_path / "data" / "icons" / "hicolor" / "scalable" / "apps" / "coterie.svg"
    text = entry.read_text()
    assert "MimeType=x-scheme-handler/coterie;" in text and "Icon=coterie" in text
    exec_line = next(line for line in text.splitlines() if line.startswith("Exec="))
    assert exec_line.endswith(" %u")
    assert icon.read_bytes() == (ROOT / "ui" / "resources" / "coterie.svg").read_bytes()
    lists = mimeapps.read_text()
    assert "x-scheme-handler/coterie=coterie.desktop;" in lists
    assert "text/html=firefox.desktop;" in lists and "image/png=gimp.desktop;" in lists
    assert lists.index("x-scheme-handler/coterie") < lists.index("[Added Associations]")

    again = _coterie(tmp_path, "--install-desktop-entry")  # idempotent
    assert again.returncode == 0 and mimeapps.read_text().count("x-scheme-handler/coterie") == 1

    gone = _coterie(tmp_path, "--uninstall-desktop-entry")
    assert gone.returncode == 0, gone.stderr
    assert not entry.exists() and not icon.exists()
    assert mimeapps.read_text() == OTHER
    assert "not in your applications" in _coterie(tmp_path, "--uninstall-desktop-entry").stdout


def test_install_creates_mimeapps_when_there_is_none(tmp_path: Path, monkeypatch) -> None:
    for key, value in _xdg(tmp_path).items():
        monkeypatch.setenv(key, value)
    paths = desktop_entry.install(command="/opt/with space/coterie")
    assert paths.mimeapps.read_text() == \
        "[Default Applications]\nx-scheme-handler/coterie=coterie.desktop;\n"
    assert "Exec='/opt/with space/coterie' %u" in paths.desktop.read_text()


def test_a_handler_chosen_for_another_app_is_left_alone_on_uninstall(
        tmp_path: Path, monkeypatch) -> None:
    for key, value in _xdg(tmp_path).items():
        monkeypatch.setenv(key, value)
    paths = desktop_entry.DesktopPaths.for_user()
    paths.mimeapps.parent.mkdir(parents=True)
    paths.mimeapps.write_text("[Default Applications]\nx-scheme-handler/coterie=other.desktop;\n")
    desktop_entry.uninstall()
    assert "other.desktop" in paths.mimeapps.read_text()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="offered on Linux only")
def test_the_app_offers_once_and_installs_on_yes(qapp, qtbot, worker, tmp_path: Path,
                                                 monkeypatch) -> None:
    for key, value in _xdg(tmp_path).items():
        monkeypatch.setenv(key, value)
    state = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    offer_desktop_entry(window, state, worker)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "desktopEntryOffer") is not None)
    box = window.findChild(QMessageBox, "desktopEntryOffer")
    assert box.isVisible()
    box.button(QMessageBox.StandardButton.Yes).click()
    entry = tmp_path / "data" / "applications" / "coterie.desktop"
    qtbot.waitUntil(entry.exists)
    assert QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat).value(OFFERED_KEY)

    entry.unlink()  # even with the entry gone again, the question is not asked twice
    box.deleteLater()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "desktopEntryOffer") is None)
    offer_desktop_entry(window, state, worker)
    qtbot.wait(200)
    assert window.findChild(QMessageBox, "desktopEntryOffer") is None


def test_no_offer_when_the_entry_is_installed(qapp, qtbot, worker, tmp_path: Path,
                                              monkeypatch) -> None:
    for key, value in _xdg(tmp_path).items():
        monkeypatch.setenv(key, value)
    desktop_entry.install(command="coterie")
    state = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = QWidget()
    qtbot.addWidget(window)
    offer_desktop_entry(window, state, worker)
    qtbot.wait(200)
    assert window.findChild(QMessageBox, "desktopEntryOffer") is None
    assert state.value(OFFERED_KEY) is None
