"""The relay HTTP API v1 over httpx: the only module of Coterie that talks to the network.

Every request is signed with crypto.relay_wire exactly as the relay contract says; every
httpx failure and every non-2xx answer is mapped to sync.errors here, so nothing above
this module sees an httpx type. Every answer is read raw (no decompression) up to a byte cap
from sync.limits and within a total time, so a relay can neither exhaust memory nor hold a
request open forever. Nothing here logs; the program holds httpx's own request logging at
WARNING where it starts (URLs carry mailbox ids).
"""
from __future__ import annotations

import asyncio
import json
import ssl
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from crypto.errors import CryptoError
from crypto.relay_wire import (
    MAILBOX_ID_LEN,
    NONCE_LEN,
    MailboxCapability,
    append_message,
    b64d,
    b64e,
    close_message,
    create_message,
    read_message,
    sign,
)
from sync.errors import RelayOverflow, RelayProtocolError, RelayUnreachable, rejected_for
from sync.limits import MAX_ANSWER_BYTES, MAX_CURSOR, MAX_PAGE_BYTES, MAX_PAGE_ITEMS
from sync.sse import LineSplitter, SSEEvent, SSEParser
from sync.values import FetchPage, MailboxSpec, PushClosed, PushEvent, PushMessage, PushSynced

MAX_ERROR_CHARS = 200

_tls_context: ssl.SSLContext | None = None
_tls_lock = threading.Lock()


def _tls() -> ssl.SSLContext:
    """One verifying TLS context for every relay client: loading the CA store costs tens
    of milliseconds of CPU, which each `sync_once` (a client per relay) paid again."""
    global _tls_context
    with _tls_lock:
        if _tls_context is None:
            _tls_context = httpx.create_ssl_context()
        return _tls_context


@dataclass(frozen=True)
class Answer:
    """A relay's answer, read in full within its byte cap."""

    status: int
    headers: httpx.Headers
    body: bytes


class RelayClient:
    """One relay's API. Create and use it on one asyncio loop; `aclose()` when done.

    `clock` gives unix seconds for read proofs; `rng(n)` gives n random bytes for nonces.
    `timeout` bounds each network step (connect, each read); `total_timeout` one whole
    request, however slowly the relay trickles its answer. `stream_idle_timeout` must
    exceed the relay's ping interval (15 s by default): a push connection silent for
    longer is treated as lost.
    """

    def __init__(self, base_url: str, *, clock: Callable[[], float],
                 rng: Callable[[int], bytes], transport: httpx.AsyncBaseTransport | None = None,
                 timeout: float = 10.0, total_timeout: float = 60.0,
                 stream_idle_timeout: float = 45.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._clock = clock
        self._rng = rng
        self._timeout = timeout
        self._total_timeout = max(total_timeout, timeout)
        self._stream_timeout = httpx.Timeout(timeout, read=stream_idle_timeout)
        # identity: a compressed answer could expand far beyond the bytes counted on the wire.
        self._client = httpx.AsyncClient(base_url=self.base_url, transport=transport,
                                         timeout=timeout, verify=_tls(),
                                         headers={"user-agent": "coterie",
                                                  "accept-encoding": "identity"})

    async def aclose(self) -> None:
        await self._client.aclose()

    # -- requests ------------------------------------------------------------------------

    async def healthy(self) -> bool:
        """True when GET /healthz answers 200."""
        try:
            answer = await self._exchange("GET", "/healthz", MAX_ANSWER_BYTES)
        except (RelayUnreachable, RelayProtocolError):
            return False
        return answer.status == 200

    async def create_mailbox(self, cap: MailboxCapability, spec: MailboxSpec) -> bool:
        """Create the mailbox (idempotent); True if created now, False if it existed."""
        write_pk, read_pk = cap.write_pk, cap.read_pk
        signature = sign(cap.write_seed, create_message(cap.mailbox, write_pk, read_pk,
                                                        spec.kind, spec.expires_at))
        answer = await self._send("POST", "/v1/mailboxes", json={
            "mailbox": b64e(cap.mailbox), "write_pk": b64e(write_pk), "read_pk": b64e(read_pk),
            "kind": "invite" if spec.kind == 1 else "group", "expires_at": spec.expires_at,
            "sig": b64e(signature)})
        return answer.status == 201

    async def append(self, cap: MailboxCapability, bodies: list[bytes]) -> list[int]:
        """Append envelopes in order; returns their cursors (a retry returns the same ones)."""
        messages = [{"body": b64e(body),
                     "sig": b64e(sign(cap.write_seed, append_message(cap.mailbox, body)))}
                    for body in bodies]
        answer = await self._send("POST", self._messages_path(cap.mailbox),
                                  json={"messages": messages})
        cursors = _field(_json(answer), "cursors", list)
        if len(cursors) != len(bodies) or not all(_is_cursor(c) for c in cursors):
            raise RelayProtocolError("The relay answered an append with malformed cursors.")
        return cursors

    async def fetch(self, cap: MailboxCapability, after: int, limit: int = 500) -> FetchPage:
        """One page of envelopes after `after`, in cursor order (at most `limit` of them)."""
        limit = max(1, min(limit, MAX_PAGE_ITEMS))
        answer = await self._send("GET", self._messages_path(cap.mailbox),
                                  max_bytes=MAX_PAGE_BYTES,
                                  params={"after": after, "limit": limit},
                                  headers=self._read_headers(cap))
        data = _json(answer)
        raw = _field(data, "messages", list)
        if len(raw) > limit:
            raise RelayOverflow("The relay sent more messages than were asked for.")
        messages = []
        last = after
        try:
            for entry in raw:
                cursor = entry["cursor"]
                if not _is_cursor(cursor) or cursor <= last:
                    raise RelayProtocolError("The relay returned messages out of order.")
                messages.append((cursor, b64d(entry["body"])))
                last = cursor
        except (KeyError, TypeError, CryptoError):
            raise RelayProtocolError("The relay returned a malformed message list.") from None
        more, closed, nxt = (_field(data, "more", bool), _field(data, "closed", bool),
                             _field(data, "next", int))
        if nxt < last or nxt > MAX_CURSOR:
            raise RelayProtocolError("The relay's next position lies behind what it sent.")
        if more and not messages:
            # Without progress, "more" would have the reader ask for the same page forever.
            raise RelayProtocolError("The relay said more messages follow but sent none.")
        return FetchPage(tuple(messages), nxt, more, closed)

    async def close_mailbox(self, cap: MailboxCapability) -> None:
        """Close the mailbox for good (write key proof); later appends get 410."""
        now, nonce = int(self._clock()), self._rng(NONCE_LEN)
        proof = sign(cap.write_seed, close_message(cap.mailbox, now, nonce))
        await self._send("DELETE", f"/v1/mailboxes/{b64e(cap.mailbox)}", headers={
            "X-Coterie-Time": str(now), "X-Coterie-Nonce": b64e(nonce),
            "X-Coterie-Proof": b64e(proof)})

    async def subscribe(self, subs: list[tuple[MailboxCapability, int]]
                        ) -> AsyncIterator[PushEvent]:
        """The push stream for these (capability, after) pairs, until it breaks.

        Yields PushMessage / PushSynced / PushClosed; ends only by raising SyncError
        (RelayUnreachable when the connection drops or the relay ends the stream).
        """
        entries = []
        for cap, after in subs:
            now, nonce = int(self._clock()), self._rng(NONCE_LEN)
            entries.append({"mailbox": b64e(cap.mailbox), "after": after, "time": now,
                            "nonce": b64e(nonce),
                            "proof": b64e(sign(cap.read_seed,
                                               read_message(cap.mailbox, now, nonce)))})
        try:
            async with self._client.stream("POST", "/v1/subscribe",
                                           json={"mailboxes": entries},
                                           timeout=self._stream_timeout) as response:
                if response.status_code != 200:
                    _check(await self._answer(response, MAX_ANSWER_BYTES))
                    raise RelayProtocolError("The relay answered a subscription unexpectedly.")
                _identity(response)
                lines, parser = LineSplitter(), SSEParser()
                async for chunk in response.aiter_raw():
                    for line in lines.feed(chunk):
                        event = parser.feed(line)
                        if event is not None:
                            parsed = _push_event(event)
                            if parsed is not None:
                                yield parsed
        except httpx.TimeoutException:
            raise RelayUnreachable("The push connection to the relay went silent.") from None
        except httpx.HTTPError:
            raise RelayUnreachable("The push connection to the relay was lost.") from None
        raise RelayUnreachable("The relay ended the push connection.")

    # -- plumbing ------------------------------------------------------------------------

    def _messages_path(self, mailbox: bytes) -> str:
        return f"/v1/mailboxes/{b64e(mailbox)}/messages"

    def _read_headers(self, cap: MailboxCapability) -> dict[str, str]:
        now, nonce = int(self._clock()), self._rng(NONCE_LEN)
        proof = sign(cap.read_seed, read_message(cap.mailbox, now, nonce))
        return {"X-Coterie-Time": str(now), "X-Coterie-Nonce": b64e(nonce),
                "X-Coterie-Proof": b64e(proof)}

    async def _send(self, method: str, path: str, max_bytes: int = MAX_ANSWER_BYTES,
                    **kwargs: Any) -> Answer:
        """One request; its 2xx answer, or the SyncError for any other outcome."""
        answer = await self._exchange(method, path, max_bytes, **kwargs)
        _check(answer)
        return answer

    async def _exchange(self, method: str, path: str, max_bytes: int,
                        **kwargs: Any) -> Answer:
        try:
            async with asyncio.timeout(self._total_timeout):
                async with self._client.stream(method, path, **kwargs) as response:
                    return await self._answer(response, max_bytes)
        except (httpx.TimeoutException, TimeoutError):
            raise RelayUnreachable("The relay did not answer in time.") from None
        except httpx.HTTPError:
            raise RelayUnreachable("The relay could not be reached.") from None

    @staticmethod
    async def _answer(response: httpx.Response, max_bytes: int) -> Answer:
        """Read the body, at most `max_bytes` of it.

        Past the cap a 2xx answer is refused as misbehaviour; an error answer is cut short
        (only its first sentence is shown anyway).
        """
        ok = 200 <= response.status_code < 300
        if ok:
            _identity(response)
        declared = response.headers.get("content-length", "")
        if ok and declared.isdigit() and int(declared) > max_bytes:
            raise RelayOverflow("The relay's answer is larger than any valid answer.")
        body = bytearray()
        async for chunk in response.aiter_raw():
            if len(body) + len(chunk) > max_bytes:
                if ok:
                    raise RelayOverflow("The relay's answer is larger than any valid answer.")
                body += chunk[:max_bytes - len(body)]
                break
            body += chunk
        return Answer(response.status_code, response.headers, bytes(body))


def _identity(response: httpx.Response) -> None:
    """We ask for unencoded answers; a compressed one could not be capped by its size."""
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        raise RelayProtocolError("The relay sent a compressed answer that was not asked for.")


def _check(answer: Answer) -> None:
    """Raise the SyncError for a non-2xx answer."""
    status = answer.status
    if 200 <= status < 300:
        return
    if status >= 500 or status < 400:
        raise RelayUnreachable("The relay answered with an error (HTTP {status}).",
                               status=status)
    raise rejected_for(status, _error_sentence(answer), _retry_after(answer))


def _error_sentence(answer: Answer) -> str:
    """The relay's one-sentence error, cleaned: the relay is untrusted and we show this."""
    text = ""
    try:
        data = json.loads(answer.body)
        if isinstance(data, dict) and isinstance(data.get("error"), str):
            text = data["error"]
    except (ValueError, RecursionError):
        pass
    text = "".join(ch for ch in text if ch.isprintable())[:MAX_ERROR_CHARS].strip()
    return text or f"The relay refused the request (HTTP {answer.status})."


def _retry_after(answer: Answer) -> float | None:
    value = answer.headers.get("retry-after")
    try:
        seconds = float(value) if value is not None else None
    except ValueError:
        return None
    return seconds if seconds is not None and 0 <= seconds <= 3600 else None


def _json(answer: Answer) -> dict[str, Any]:
    try:
        data = json.loads(answer.body)
    except (ValueError, RecursionError):   # RecursionError: nesting deeper than the parser's
        raise RelayProtocolError("The relay answered with something other than JSON.") from None
    if not isinstance(data, dict):
        raise RelayProtocolError("The relay answered with an unexpected JSON shape.")
    return data


def _field(data: dict[str, Any], name: str, kind: type) -> Any:
    value = data.get(name)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise RelayProtocolError("The relay's answer lacks a valid '{name}' field.", name=name)
    return value


def _is_cursor(value: object) -> bool:
    # Bounded: positions are kept as 8-byte keys, and a relay counts in signed 64 bits.
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_CURSOR


def _push_event(event: SSEEvent) -> PushEvent | None:
    """Parse one stream event; unknown event names are skipped (newer relays may add some)."""
    if event.event not in ("message", "synced", "closed"):
        return None
    try:
        data = json.loads(event.data)
        if event.event == "synced":
            return PushSynced()
        mailbox = b64d(data["mailbox"], MAILBOX_ID_LEN)
        if event.event == "closed":
            return PushClosed(mailbox)
        cursor = data["cursor"]
        if not _is_cursor(cursor):
            raise RelayProtocolError("The relay pushed a message without a valid cursor.")
        return PushMessage(mailbox, cursor, b64d(data["body"]))
    except (ValueError, KeyError, TypeError, RecursionError, CryptoError):
        raise RelayProtocolError("The relay pushed a malformed event.") from None


__all__ = ["RelayClient"]
