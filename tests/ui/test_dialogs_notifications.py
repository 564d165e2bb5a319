"""Desktop notifications without a tray: the freedesktop Notify call on a real (private)
session bus with a stand-in notification service, clicks coming back as ActionInvoked, and
the window title that names the groups with news until the window is focused."""
from __future__ import annotations

import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator

import pytest
from PySide6.QtDBus import QDBusConnection

from ui.desktop_notify import (
    INTERFACE,
    NOTIFY_SIGNATURE,
    PATH,
    SERVICE,
    DesktopNotifications,
    bus_sender,
)
from ui.notifications import news_title

WAIT = 10_000


@pytest.fixture
def bus() -> Iterator[str]:
    """A private D-Bus daemon; yields its address."""
    daemon = shutil.which("dbus-daemon")
    if daemon is None:
        pytest.skip("dbus-daemon is not installed")
    proc = subprocess.Popen([daemon, "--session", "--print-address=1", "--nofork"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        yield proc.stdout.readline().strip()
    finally:
        proc.terminate()
        proc.wait(5)


class NotificationService(threading.Thread):
    """Stands in for the desktop's notification service (GNOME Shell, KDE, dunst): owns the
    name, answers Notify with a fresh id when the signature is Notify's, and clicks on
    request (ActionInvoked)."""

    def __init__(self, address: str) -> None:
        super().__init__(daemon=True)
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import open_dbus_connection

        self.conn = open_dbus_connection(bus=address)
        self.conn.send_and_get_reply(message_bus.RequestName(SERVICE))
        self.calls: queue.Queue = queue.Queue()
        self._next = 41

    def run(self) -> None:
        from jeepney import new_error, new_method_return
        from jeepney.low_level import HeaderFields, MessageType

        while True:
            try:
                msg = self.conn.receive()
            except OSError:
                return
            fields = msg.header.fields
            if msg.header.message_type is not MessageType.method_call:
                continue
            signature = fields.get(HeaderFields.signature, "")
            if fields.get(HeaderFields.member) != "Notify" or signature != NOTIFY_SIGNATURE:
                # what a strict service (GDBus) answers to a wrong signature
                self.conn.send(new_error(msg, "org.freedesktop.DBus.Error.InvalidArgs",
                                         "s", (f"wrong signature {signature}",)))
                continue
            self._next += 1
            self.calls.put((msg.body, self._next))
            self.conn.send(new_method_return(msg, "u", (self._next,)))

    def click(self, nid: int) -> None:
        from jeepney import DBusAddress, new_signal

        self.conn.send(new_signal(DBusAddress(PATH, interface=INTERFACE), "ActionInvoked",
                                  "us", (nid, "default")))

    def close(self) -> None:
        self.conn.close()


def test_notify_reaches_the_service_with_its_signature_and_a_click_names_the_group(
        qtbot, qapp, bus: str) -> None:  # noqa: ANN001
    service = NotificationService(bus)
    service.start()
    listen = QDBusConnection.connectToBus(bus, "coterie-notify-test")
    desktop = DesktopNotifications(bus_sender(bus), listen)
    try:
        desktop.notify("group-1", "Book club", "Bea: First book is Piranesi")
        body, nid = service.calls.get(timeout=WAIT / 1000)
        app_name, replaces, icon, title, text, actions, hints, expire = body
        assert (app_name, replaces, icon, title, text) == (
            "Coterie", 0, "coterie", "Book club", "Bea: First book is Piranesi")
        assert actions == ["default", "Open"] and hints["desktop-entry"] == ("s", "coterie")
        assert expire == -1
        # the next post of the same group replaces its notification instead of piling up
        qtbot.waitUntil(lambda: desktop._ids.get("group-1") == nid, timeout=WAIT)
        desktop.notify("group-1", "Book club", "Bea: and then Jonathan Strange")
        body2, _ = service.calls.get(timeout=WAIT / 1000)
        assert body2[1] == nid
        # Qt adds its match rule for the signal asynchronously: click until one arrives
        clicks: list[str] = []
        desktop.clicked.connect(clicks.append)
        deadline = time.monotonic() + WAIT / 1000
        while not clicks and time.monotonic() < deadline:
            service.click(nid + 1)
            try:
                qtbot.waitUntil(lambda: bool(clicks), timeout=500)
            except qtbot.TimeoutError:
                continue
        assert clicks and set(clicks) == {"group-1"}
        assert desktop.failed == 0
    finally:
        desktop.close()
        service.close()
        QDBusConnection.disconnectFromBus("coterie-notify-test")


def test_a_missing_service_costs_nothing_but_the_popup(qtbot, qapp, bus: str) -> None:  # noqa: ANN001
    desktop = DesktopNotifications(bus_sender(bus))
    try:
        desktop.notify("group-1", "Book club", "Bea: hello")
        qtbot.waitUntil(lambda: desktop.failed == 1, timeout=WAIT)
    finally:
        desktop.close()


def test_the_title_names_the_groups_with_news() -> None:
    assert news_title(["Book club"]) == "• \u2068Book club\u2069 — Coterie"
    title = news_title(["Book club", "Choir", "Book club", "Family"])
    assert title == "• \u2068Family\u2069, \u2068Book club\u2069 +1 — Coterie"
