"""The join dialog against the real services and a real relay: what it pre-fills from the
clipboard, the relay it names before contacting it, the warning for local addresses, and
the waiting text shown in full."""
from __future__ import annotations

import base64
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication

from tests.ui.conftest import RealApp, settle
from ui.dialogs.join import JoinDialog

pytestmark = pytest.mark.slow
WAIT = 30_000


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _link_to(relay: str) -> str:
    """A well-formed invite link naming `relay` (its keys lead nowhere)."""
    return f"coterie://join#1.{_b64(relay.encode())}.{_b64(bytes(range(32)))}.{_b64(bytes(32))}"


def _dialog(qtbot, app: RealApp) -> JoinDialog:  # noqa: ANN001
    app.window.join_group()
    dialog = next(d for d in app.window.findChildren(JoinDialog) if d.isVisible())
    settle(qtbot, app.worker)
    return dialog


@pytest.fixture
def bea_invite(real_app: RealApp) -> str:
    """A single-use invite to a new group of Bea's on the same relay; Bea's app is not
    running."""
    bea = real_app.world.services("Bea")
    gid = bea.groups.create("Climbing", real_app.relay_url).id
    link = bea.invites.create(gid, 1).link
    bea.sync_once()  # the invite's bundle is on the relay
    return link


def test_own_invite_in_the_clipboard_is_not_offered(qtbot, real_app: RealApp) -> None:  # noqa: ANN001
    gid = real_app.services.groups.create("Book club", real_app.relay_url).id
    own = real_app.services.invites.create(gid, 1).link
    QGuiApplication.clipboard().setText(own)
    dialog = _dialog(qtbot, real_app)
    assert dialog.link_edit.text() == ""
    assert not dialog.join_button.isEnabled()


def test_a_link_in_the_clipboard_is_offered_selected_with_its_relay_named(
        qtbot, real_app: RealApp, bea_invite: str) -> None:  # noqa: ANN001
    QGuiApplication.clipboard().setText(bea_invite)
    dialog = _dialog(qtbot, real_app)
    qtbot.waitUntil(lambda: dialog.link_edit.text() == bea_invite, timeout=WAIT)
    host = real_app.relay_url.removeprefix("http://")
    assert dialog.relay_label.isVisibleTo(dialog) and host in dialog.relay_label.text()
    assert dialog.link_edit.selectedText() == bea_invite
    assert dialog.join_button.isEnabled()  # the configured relay: no warning to confirm
    assert not dialog.local_frame.isVisibleTo(dialog)
    # typing replaces the offered link instead of appending to it
    qtbot.keyClicks(dialog.link_edit, "coterie://join#")
    settle(qtbot, real_app.worker)
    assert dialog.link_edit.text() == "coterie://join#"
    assert not dialog.join_button.isEnabled()


def test_only_a_well_formed_link_is_offered(qtbot, real_app: RealApp) -> None:  # noqa: ANN001
    QGuiApplication.clipboard().setText("coterie://join#1.not-a-link")
    dialog = _dialog(qtbot, real_app)
    assert dialog.link_edit.text() == ""


LOCAL = [("http://192.168.1.20:8765", "your local network"),
         ("http://169.254.169.254", "a link-local address"),
         ("http://127.1:9", "this computer"),
         ("http://[::1]:8765", "this computer")]


def test_a_local_address_needs_a_second_yes_before_it_is_contacted(
        qtbot, real_app: RealApp) -> None:  # noqa: ANN001
    QGuiApplication.clipboard().clear()
    dialog = _dialog(qtbot, real_app)
    box = dialog.local_box
    for relay, where in LOCAL:
        dialog.link_edit.clear()
        qtbot.keyClicks(dialog.link_edit, _link_to(relay))
        settle(qtbot, real_app.worker)
        assert dialog.local_frame.isVisibleTo(dialog), relay
        assert where in dialog.local_label.text(), relay
        assert not dialog.join_button.isEnabled(), relay
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
        assert box.isChecked() and dialog.join_button.isEnabled(), relay
    # another link asks again
    dialog.link_edit.setText(_link_to("http://10.0.0.7"))
    settle(qtbot, real_app.worker)
    assert not box.isChecked() and not dialog.join_button.isEnabled()
    dialog.link_edit.setText(_link_to("https://relay.example.org"))
    settle(qtbot, real_app.worker)
    assert not dialog.local_frame.isVisibleTo(dialog) and dialog.join_button.isEnabled()
    assert "relay.example.org" in dialog.relay_label.text()


def test_the_waiting_text_is_shown_in_full(qtbot, real_app: RealApp,
                                          bea_invite: str) -> None:  # noqa: ANN001
    QGuiApplication.clipboard().clear()
    dialog = _dialog(qtbot, real_app)
    dialog.link_edit.setText(bea_invite)
    settle(qtbot, real_app.worker)
    qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.join_id is not None, timeout=WAIT)
    settle(qtbot, real_app.worker)
    label = dialog.status_label
    assert "Request to join" in label.text()
    # every wrapped line of the waiting text fits: the dialog grew for it
    assert label.height() >= label.heightForWidth(label.width())
    assert dialog.height() >= dialog.layout().totalHeightForWidth(dialog.width())


@pytest.fixture
def silent_relay() -> Iterator[tuple[str, list[socket.socket]]]:
    """A 'relay' on loopback that accepts connections and never answers; yields its URL
    and the connections it holds."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def hold() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}", held
    finally:
        stop.set()
        thread.join(2)
        for conn in held:
            conn.close()
        server.close()


def test_a_hung_join_is_cancelled_and_frees_the_slow_lane(
        qtbot, real_app: RealApp, silent_relay: tuple[str, list]) -> None:  # noqa: ANN001
    url, held = silent_relay
    QGuiApplication.clipboard().clear()
    dialog = _dialog(qtbot, real_app)
    dialog.link_edit.setText(_link_to(url))
    settle(qtbot, real_app.worker)
    box = dialog.local_box
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
    assert dialog.busy and dialog.stop_button.isVisibleTo(dialog)
    assert url.removeprefix("http://") in dialog.error_label.text()
    qtbot.waitUntil(lambda: bool(held), timeout=WAIT)  # the request is on its way
    started = time.monotonic()
    qtbot.mouseClick(dialog.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT)
    assert time.monotonic() - started < 10  # the relay's read would take a minute
    assert "cancelled" in dialog.error_label.text()
    assert not dialog.stop_button.isVisibleTo(dialog) and dialog.join_button.isEnabled()
    # the slow lane is free for what comes next
    done: list[object] = []
    real_app.worker.run(lambda: "next", done.append, slow=True)
    qtbot.waitUntil(lambda: done == ["next"], timeout=WAIT)
