"""One relay address in front of several relay instances, as a load balancer puts it: a TCP
proxy on loopback whose new connections go to the instance the test chose last. A group
names one relay URL, so this is how two members of one group end up on two instances."""
from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections import Counter


class Switchboard:
    """`with Switchboard() as board:` listens on `board.url`; `board.route(port)` sends the
    connections opened from then on to 127.0.0.1:port (open ones stay where they are)."""

    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(128)
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.target: int | None = None
        self.opened: Counter[int] = Counter()     # connections handed to each backend port
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="switchboard", daemon=True)
        self._ready = threading.Event()
        self._server: asyncio.Server | None = None

    def route(self, port: int) -> None:
        self.target = port

    def __enter__(self) -> Switchboard:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._serve, sock=self._sock))
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            self._server.close()
            for task in asyncio.all_tasks(self._loop):
                task.cancel()
            self._loop.run_until_complete(asyncio.sleep(0))
            self._loop.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        target = self.target
        if target is None:
            writer.close()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", target)
        except OSError:              # the instance is down: the client sees a reset
            writer.close()
            return
        self.opened[target] += 1
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (OSError, asyncio.IncompleteReadError):
        pass
    finally:
        with contextlib.suppress(OSError):
            writer.close()
