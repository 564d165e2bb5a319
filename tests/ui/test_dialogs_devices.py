"""Linked desktops through the real window and services: link a second desktop (QR code,
code, words, progress), the list, Revoke; rendered light and dark and looked at."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest

from app.api import Services
from tests.keyring_double import MemoryKeyring
from tests.ui.conftest import RealApp, settle
from tests.ui.test_screenshots import _check, _out_dir
from ui.context import AppContext
from ui.dialogs.devices import DevicesDialog

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]
WAIT = 90_000


def _shots(qtbot, real_app: RealApp, dialog, name: str, out: Path,  # noqa: ANN001
           busy: bool = False) -> None:
    """Light and dark; `busy`: a link is waiting on the worker for the words (no settling)."""
    theme = real_app.window._ctx.theme
    for choice in ("light", "dark"):
        theme.apply(choice)
        if busy:
            qtbot.wait(200)
        else:
            settle(qtbot, real_app.worker)
        _check(dialog, name, choice, out)
    theme.apply("light")


def test_link_a_desktop_from_the_window_then_revoke_it(
        qtbot, real_app: RealApp, tmp_path: Path) -> None:  # noqa: ANN001
    out = _out_dir(tmp_path)
    dialog = real_app.window.open_devices()
    assert isinstance(dialog, DevicesDialog)
    qtbot.waitUntil(lambda: dialog.table.topLevelItemCount() == 1, timeout=WAIT)
    dialog.link_button.click()
    qtbot.waitUntil(lambda: dialog.code.text().startswith("coterie://link#"), timeout=WAIT)
    assert dialog.qr.pixmap() is not None and not dialog.qr.pixmap().isNull()
    code = dialog.code.text()
    joined: dict[str, object] = {}
    lap = Services(tmp_path / "laptop", keyring_backend=MemoryKeyring())

    def join() -> None:
        try:
            joined["info"] = lap.devices.join(code, "Laptop", None, lambda w, _n:
                                              joined.setdefault("words", w) == w)
        except Exception as exc:  # noqa: BLE001 - looked at below
            joined["error"] = exc

    t = threading.Thread(target=join, daemon=True)
    t.start()
    qtbot.waitUntil(lambda: dialog.match_button.isVisibleTo(dialog), timeout=WAIT)
    qtbot.waitUntil(lambda: "words" in joined, timeout=WAIT)
    assert dialog.words.text() == joined["words"]        # both screens show the same words
    _shots(qtbot, real_app, dialog, "devices_link", out, busy=True)
    dialog.match_button.click()
    t.join(120)
    assert "info" in joined, joined.get("error")
    qtbot.waitUntil(lambda: dialog.table.topLevelItemCount() == 2, timeout=WAIT)
    assert "Laptop" in dialog.status.text()
    _shots(qtbot, real_app, dialog, "devices_list", out)
    dialog.table.setCurrentItem(dialog.table.topLevelItem(1))
    assert dialog.revoke_button.isEnabled()
    dialog.revoke_button.click()
    qtbot.waitUntil(lambda: "revoked" in dialog.table.topLevelItem(1).text(3), timeout=WAIT)
    lap.close()


def test_a_linked_desktop_revokes_the_first_one_from_its_window(
        qtbot, real_app: RealApp, tmp_path: Path) -> None:  # noqa: ANN001
    """The first desktop is lost: the linked one lists it first (name, when it made the
    identity, last active) and revokes it; the first desktop's own Revoke stays off for it."""
    out = _out_dir(tmp_path)
    ana = real_app.services
    codes: list[str] = []
    linking: dict[str, object] = {}

    def link() -> None:
        try:
            linking["info"] = ana.devices.link(codes.append, lambda _w, _n: True)
        except Exception as exc:  # noqa: BLE001 - looked at below
            linking["error"] = exc

    t = threading.Thread(target=link, daemon=True)
    t.start()
    qtbot.waitUntil(lambda: bool(codes) or "error" in linking, timeout=WAIT)
    lap = Services(tmp_path / "laptop", keyring_backend=MemoryKeyring())
    try:
        lap.devices.join(codes[0], "Laptop", None, lambda _w, _n: True)
        t.join(120)
        assert "info" in linking, linking.get("error")
        ctx = AppContext(lap, real_app.worker, None, real_app.window._ctx.theme,  # type: ignore[arg-type]
                         real_app.relay_url)
        dialog = DevicesDialog(ctx)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.table.topLevelItemCount() == 2, timeout=WAIT)
        first = dialog.table.topLevelItem(0)
        assert "holds your identity" in first.text(3) and first.text(1) != "—"
        assert "this desktop" in dialog.table.topLevelItem(1).text(3)
        assert not dialog.link_button.isEnabled()        # it holds no identity key
        dialog.table.setCurrentItem(dialog.table.topLevelItem(1))
        assert not dialog.revoke_button.isEnabled()          # not this desktop
        dialog.table.setCurrentItem(first)
        assert dialog.revoke_button.isEnabled()
        dialog.revoke_button.click()
        qtbot.waitUntil(lambda: "revoked" in dialog.table.topLevelItem(0).text(3),
                        timeout=WAIT)
        _shots(qtbot, real_app, dialog, "devices_first_revoked", out)
        dialog.close()
    finally:
        lap.close()
