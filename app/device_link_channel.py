"""The link channel: the one-time mailbox through the relay that linking a device uses
(docs/protocol.md §16.6; the wire format is crypto/link.py).

Both sides read and append the sealed hello, offer, data and done messages here, wait on
the relay's push stream for the other side's next step, and turn the relay's refusals into
one sentence (`LinkFailed`). The steps themselves, and the words both screens show, are
the service's (app/devices.py).
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import crypto
import sync  # its network names load on first use (tests/app/test_cli_imports.py)
from app.errors import AppError, InviteError, RelayUnavailable
from app.i18n import _
from crypto import link as wire
from sync.errors import MailboxClosed, RateLimited, SyncError, UnknownMailbox
from sync.values import MailboxSpec, PushSynced

WAIT_SECONDS = 1.0               # one push request waits this long for the other side
SEND_BYTES = 1_000_000          # envelope bytes per append request
RATE_RETRIES = 20               # waits for the relay's rate limit before giving up
WORDS_SECONDS = 120.0               # how long each side waits for the other's next step
Progress = Callable[[int, int], None]      # (bytes done, bytes in all)


class LinkFailed(InviteError):
    """The linking did not complete; nothing was kept. `reason` tells a window which advice
    goes with the sentence: "gone" (code typed wrong, used or expired), "tampered",
    "refused" (words differed), "timeout", "typed" (not a link code), or ""."""

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason


class LinkChannel:
    """The link mailbox on one relay, used from synchronous code (one private loop)."""

    def __init__(self, code: wire.LinkCode, clock: Callable[[], float],
                 rng: Callable[[int], bytes]) -> None:
        self.code = code
        self.cap = code.capability
        self._loop = asyncio.new_event_loop()
        self._client = sync.RelayClient(code.relay_url, clock=clock, rng=rng)
        self.after = 0
        # opened messages read but not taken yet (one page may hold the offer and data)
        self.held: list[tuple[int, bytes]] = []

    def _run(self, make):  # type: ignore[no-untyped-def]
        """Run one relay call (`make()` gives its coroutine), waiting out the relay's rate
        limit a few times; its refusals mapped to one sentence."""
        for attempt in range(RATE_RETRIES + 1):
            try:
                return self._loop.run_until_complete(make())
            except (UnknownMailbox, MailboxClosed):
                raise code_gone() from None
            except RateLimited as exc:
                if attempt == RATE_RETRIES:
                    raise RelayUnavailable(_("The relay {relay} did not take part in linking: "
                                             "{reason}").format(relay=self.code.relay_url,
                                                                reason=exc)) from None
                time.sleep(min(5.0, exc.retry_after or 1.0))
            except SyncError as exc:
                raise RelayUnavailable(_("The relay {relay} did not take part in linking: "
                                         "{reason}").format(relay=self.code.relay_url,
                                                            reason=exc)) from None
        return None

    def create(self, expires_at: int) -> None:
        self._run(lambda: self._client.create_mailbox(
            self.cap, MailboxSpec(crypto.KIND_INVITE, expires_at)))

    def send(self, bodies: list[bytes]) -> None:
        """Append in order, in requests the relay takes (its body cap is 2 MiB of JSON, in
        which base64 grows each envelope by a third)."""
        batch: list[bytes] = []
        size = 0
        for body in bodies:
            if batch and (size + len(body) > SEND_BYTES or len(batch) >= 128):
                self._run(lambda b=batch: self._client.append(self.cap, b))
                batch, size = [], 0
            batch.append(body)
            size += len(body)
        if batch:
            self._run(lambda b=batch: self._client.append(self.cap, b))

    def read(self) -> tuple[list[bytes], bool]:
        """New envelopes since the last read, and whether the mailbox was closed."""
        page = self._run(lambda: self._client.fetch(self.cap, self.after, 1000))
        self.after = page.next
        return [body for _cursor, body in page.messages], page.closed

    def wait(self, seconds: float = WAIT_SECONDS) -> None:
        """Until the relay pushes a message after what was read, or the mailbox's closing,
        or `seconds` pass: one request on the push stream instead of polling, so the next
        step starts as soon as the other side's message is there."""
        async def follow() -> None:
            stream = self._client.subscribe([(self.cap, self.after)])
            try:
                async with asyncio.timeout(seconds):
                    async for event in stream:
                        if not isinstance(event, PushSynced):
                            return
            except TimeoutError:
                pass
            finally:
                await stream.aclose()

        self._run(follow)

    def wait_for(self, typ: int, deadline: float) -> bytes:
        """The body of the first message of `typ` in the channel (later ones of other types
        stay held for the next step); anything that does not open is tampering."""
        while True:
            bodies, closed = self.read()
            self.held += [wire.open_message(self.code, body) for body in bodies]
            for i, (got, inner) in enumerate(self.held):
                if got == typ:
                    del self.held[:i + 1]
                    return inner
            if closed:
                raise code_gone()
            if time.monotonic() > deadline:
                raise timed_out()
            self.wait()

    def receive(self, tk: bytes, progress: Progress | None, timeout: float) -> bytes:
        """The whole transfer sent as data messages under `tk`, in order; a chunk that does
        not open, or one sent twice, is tampering."""
        chunks: dict[int, bytes] = {}
        count = None
        deadline = time.monotonic() + timeout * 5
        while count is None or len(chunks) < count:
            bodies, closed = self.read()
            self.held += [wire.open_message(self.code, body) for body in bodies]
            taken, self.held = self.held, []
            for typ, inner in taken:
                if typ != wire.TYPE_DATA:
                    continue
                index, n, data = wire.open_chunk(tk, inner)
                if count is not None and n != count or index in chunks:
                    raise tampered()
                count = n
                chunks[index] = data
                if progress is not None:
                    progress(len(chunks), count)
            if count is not None and len(chunks) >= count:
                break
            if closed:
                raise code_gone()
            if time.monotonic() > deadline:
                raise timed_out()
            if not taken:
                self.wait()
        return b"".join(chunks[i] for i in range(count or 0))

    def close_mailbox(self) -> None:
        try:
            self._run(lambda: self._client.close_mailbox(self.cap))
        except AppError:
            pass

    def shut(self) -> None:
        try:
            self._loop.run_until_complete(self._client.aclose())
        finally:
            self._loop.close()


def code_gone() -> LinkFailed:
    return LinkFailed(_("No device is waiting for this code: it was typed wrong, used "
                        "already, or it expired (codes last 10 minutes)."), "gone")


def tampered() -> LinkFailed:
    return LinkFailed(_("The linking was altered on its way; nothing was transferred. Start "
                        "again with a new code."), "tampered")


def refused() -> LinkFailed:
    return LinkFailed(_("The words did not match; nothing was transferred."), "refused")


def timed_out() -> LinkFailed:
    return LinkFailed(_("The other device did not answer in time; nothing was transferred."),
                      "timeout")
