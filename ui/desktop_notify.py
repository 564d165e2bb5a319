"""Desktop notifications through the freedesktop notification service on the session bus,
for desktops without a system tray (GNOME's default), where QSystemTrayIcon cannot show a
message.

The call is sent with jeepney (installed with keyring on Linux): from PySide6, QtDBus
cannot put an unsigned 32-bit integer on the wire, and `Notify`'s `replaces_id` is one (a
signed value is refused by strict services such as GNOME Shell's). Clicks come back as
the `ActionInvoked` signal, which QtDBus delivers on the GUI thread.

Sending blocks on the bus, so it runs on a thread of its own: a busy worker lane must not
delay a notification, and the GUI must never wait for the bus.
"""
from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import SLOT, QCoreApplication, QObject, Signal, Slot
from PySide6.QtDBus import QDBusConnection

log = logging.getLogger(__name__)

SERVICE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
INTERFACE = "org.freedesktop.Notifications"
NOTIFY_SIGNATURE = "susssasa{sv}i"
APP_NAME = "Coterie"
DESKTOP_ENTRY = "coterie"  # ui/resources/coterie.desktop: the desktop shows our name and icon
EXPIRE_DEFAULT = -1  # the notification service decides how long it stays
URGENCY_NORMAL = 1

# (title, body, replaces_id) -> the new notification's id; raises OSError when the bus fails
Sender = Callable[[str, str, int], int]


def notify_arguments(title: str, body: str, replaces_id: int = 0) -> tuple:
    """The arguments of org.freedesktop.Notifications.Notify (signature NOTIFY_SIGNATURE)."""
    hints = {"desktop-entry": ("s", DESKTOP_ENTRY), "urgency": ("y", URGENCY_NORMAL),
             "category": ("s", "im.received")}
    return (APP_NAME, replaces_id, DESKTOP_ENTRY, title, body, ["default", QCoreApplication.translate("Notifications", "Open")], hints,
            EXPIRE_DEFAULT)


def bus_sender(bus: str = "SESSION") -> Sender:
    """A Sender over one connection to `bus` ("SESSION" or an address), opened on first use
    and opened again after a failure."""
    # imported here: jeepney exists on Linux only, and elsewhere there is no session bus
    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection
    from jeepney.low_level import MessageType

    address = DBusAddress(PATH, bus_name=SERVICE, interface=INTERFACE)
    state: dict[str, object] = {}

    def send(title: str, body: str, replaces_id: int) -> int:
        conn = state.get("conn")
        if conn is None:
            conn = state["conn"] = open_dbus_connection(bus=bus)
        msg = new_method_call(address, "Notify", NOTIFY_SIGNATURE,
                              notify_arguments(title, body, replaces_id))
        try:
            reply = conn.send_and_get_reply(msg, timeout=3.0)  # type: ignore[attr-defined]
        except Exception:
            state.pop("conn", None)
            conn.close()  # type: ignore[attr-defined]
            raise
        if reply.header.message_type is MessageType.error:
            raise OSError(f"the notification service refused: {reply.body!r:.80}")
        return int(reply.body[0])

    return send


class DesktopNotifications(QObject):
    """One notification per group at a time (a newer one replaces it); `clicked(key)` when
    the person clicks one."""

    clicked = Signal(str)
    _sent = Signal(str, int)  # key, id: from the sending thread to the GUI thread

    def __init__(self, sender: Sender, listen_on: QDBusConnection | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._send = sender
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="coterie-notify")
        self._ids: dict[str, int] = {}     # key (group id) -> its notification's id
        self._lock = threading.Lock()
        self._sent.connect(self._remember)
        self.failed = 0
        if listen_on is not None and listen_on.isConnected():
            listen_on.connect(SERVICE, PATH, INTERFACE, "ActionInvoked", self,
                              SLOT("_action_invoked(uint,QString)"))

    @classmethod
    def on_session_bus(cls, parent: QObject | None = None) -> DesktopNotifications | None:
        """None when there is no session bus (a headless session, another OS)."""
        if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
            return None
        bus = QDBusConnection.sessionBus()
        if not bus.isConnected():
            return None
        try:
            sender = bus_sender()
        except ImportError:
            return None
        return cls(sender, bus, parent)

    def notify(self, key: str, title: str, body: str) -> None:
        with self._lock:
            replaces = self._ids.get(key, 0)

        def job() -> None:
            try:
                new_id = self._send(title, body, replaces)
            except Exception as exc:  # the bus or the service is gone: the title still says it
                self.failed += 1
                log.info("desktop notification not shown: %s", type(exc).__name__)
                return
            self._sent.emit(key, new_id)

        self._pool.submit(job)

    @Slot(str, int)
    def _remember(self, key: str, nid: int) -> None:
        with self._lock:
            self._ids[key] = nid

    @Slot("uint", str)
    def _action_invoked(self, nid: int, _action: str) -> None:
        with self._lock:
            key = next((k for k, v in self._ids.items() if v == nid), None)
        if key is not None:
            self.clicked.emit(key)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
