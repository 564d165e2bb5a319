"""One running app per profile: a second `coterie` (for example the desktop opening a
`coterie://join#...` link) hands its link to the running one and exits, instead of opening
the same encrypted store twice.

The hand-over uses a local socket (a Unix socket or named pipe) that only this user can
open, so the invite link never leaves the machine or the user's account.
"""
from __future__ import annotations

import getpass
import hashlib
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

CONNECT_MS = 500
MAX_MESSAGE = 4096


def server_name(profile_dir: Path) -> str:
    """A short, stable socket name per user and profile directory."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = ""
    digest = hashlib.blake2b(f"{user}\0{profile_dir.expanduser().resolve()}".encode(),
                             digest_size=10).hexdigest()
    return f"coterie-{digest}"


class SingleInstance(QObject):
    message = Signal(str)  # a join link, or "" when the second start only wants the window

    def __init__(self, profile_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(profile_dir)
        self._server: QLocalServer | None = None
        self._pending: dict[QLocalSocket, bytearray] = {}

    def hand_over(self, link: str | None) -> bool:
        """True when another instance runs for this profile and took the message."""
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(CONNECT_MS):
            return False
        socket.write((link or "").encode("utf-8")[:MAX_MESSAGE] + b"\n")
        ok = socket.waitForBytesWritten(CONNECT_MS)
        socket.disconnectFromServer()
        if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
            socket.waitForDisconnected(CONNECT_MS)
        return ok

    def listen(self) -> bool:
        """Become the instance others hand over to; False if the name cannot be taken."""
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            # a socket file left by a crashed instance: nobody answered hand_over, so remove it
            QLocalServer.removeServer(self.name)
            if not server.listen(self.name):
                return False
        server.newConnection.connect(self._accept)
        self._server = server
        return True

    def _accept(self) -> None:
        assert self._server is not None
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            socket.setParent(self)
            self._pending[socket] = bytearray()
            socket.readyRead.connect(self._read)
            socket.disconnected.connect(self._read)

    def _read(self) -> None:
        for socket, buf in list(self._pending.items()):
            buf.extend(bytes(socket.readAll().data()))
            gone = socket.state() == QLocalSocket.LocalSocketState.UnconnectedState
            if b"\n" not in buf and len(buf) <= MAX_MESSAGE and not gone:
                continue
            del self._pending[socket]
            socket.readyRead.disconnect(self._read)
            socket.disconnected.disconnect(self._read)
            socket.abort()
            socket.deleteLater()
            if b"\n" in buf:
                self.message.emit(bytes(buf).split(b"\n", 1)[0].decode("utf-8", "replace").strip())

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
