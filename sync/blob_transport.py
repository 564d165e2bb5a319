"""The blob half of the relay API (docs/protocol.md §15.3), for uploads and downloads.

Blocking httpx on the caller's thread (a worker thread in the app, the CLI's own thread):
a transfer streams a 1 MiB chunk at a time and never sits in the live sync engine's event
loop, where it would delay every push. httpx errors are mapped to sync.errors here, as in
sync/transport.py; the relay is hostile, so answers are size-capped and a download yields
at most the bytes asked for.
"""
from __future__ import annotations

import json
import os
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
from nacl.signing import SigningKey

from crypto.relay_wire import (
    MailboxCapability,
    b64e,
    blob_create_message,
    blob_delete_message,
    blob_put_message,
    blob_read_message,
    sign,
)
from sync.errors import RelayProtocolError, RelayUnreachable, rejected_for

ANSWER_CAP = 64 * 1024
PIECE = 256 * 1024
TIMEOUT = httpx.Timeout(30.0, connect=5.0)


_ssl_context: ssl.SSLContext | None = None
_ssl_lock = threading.Lock()


def _tls() -> ssl.SSLContext:
    """One verifying TLS context for every blob client: loading the CA store costs about
    150 ms, which a client per transfer would pay every time."""
    global _ssl_context
    with _ssl_lock:
        if _ssl_context is None:
            _ssl_context = httpx.create_ssl_context()
        return _ssl_context


class BlobClient:
    """One relay's blob routes; `close()` when done."""

    def __init__(self, base_url: str, *, clock: Callable[[], float] = time.time,
                 transport: httpx.BaseTransport | None = None) -> None:
        self._clock = clock
        self._http = httpx.Client(base_url=base_url.rstrip("/"), timeout=TIMEOUT,
                                  transport=transport, verify=_tls(),
                                  headers={"accept-encoding": "identity"})

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> BlobClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing --------------------------------------------------------------------------
    def _proof(self, seed: bytes, message: Callable[[bytes, int, bytes], bytes],
               blob: bytes) -> dict[str, str]:
        now, nonce = int(self._clock()), os.urandom(16)
        return {"X-Coterie-Time": str(now), "X-Coterie-Nonce": b64e(nonce),
                "X-Coterie-Proof": b64e(sign(seed, message(blob, now, nonce)))}

    def _call(self, method: str, path: str, **kw: Any) -> dict[str, Any]:
        try:
            with self._http.stream(method, path, **kw) as r:
                raw = b""
                for piece in r.iter_raw():
                    raw += piece
                    if len(raw) > ANSWER_CAP:
                        raise RelayProtocolError("The relay sent an oversized answer.")
                status, headers = r.status_code, r.headers
        except httpx.TimeoutException:
            raise RelayUnreachable("The relay did not answer in time.") from None
        except httpx.HTTPError:
            raise RelayUnreachable("The relay cannot be reached.") from None
        return _checked(status, headers, raw)

    # -- routes ----------------------------------------------------------------------------
    def create(self, cap: MailboxCapability, blob: bytes, size: int, read_pk: bytes,
               delete_seed: bytes) -> int:
        """Declare the blob; the number of chunks it takes."""
        delete_pk = bytes(SigningKey(delete_seed).verify_key)
        sig = sign(cap.write_seed, blob_create_message(cap.mailbox, blob, size, read_pk,
                                                       delete_pk))
        data = self._call("POST", "/v1/blobs", json={
            "mailbox": b64e(cap.mailbox), "blob": b64e(blob), "size": size,
            "read_pk": b64e(read_pk), "delete_pk": b64e(delete_pk), "sig": b64e(sig)})
        chunks = data.get("chunks")
        if not isinstance(chunks, int) or chunks < 1:
            raise RelayProtocolError("The relay answered a blob create without a chunk count.")
        return chunks

    def stored(self, blob: bytes, read_seed: bytes) -> set[int]:
        data = self._call("GET", f"/v1/blobs/{b64e(blob)}/chunks",
                          headers=self._proof(read_seed, blob_read_message, blob))
        stored = data.get("stored")
        if not isinstance(stored, list) or not all(isinstance(i, int) for i in stored):
            raise RelayProtocolError("The relay answered a resume with a malformed list.")
        return set(stored)

    def put(self, cap: MailboxCapability, blob: bytes, index: int, chunk: bytes) -> bool:
        """Store one chunk (idempotent); True when the blob is complete."""
        sig = sign(cap.write_seed, blob_put_message(blob, index, chunk))
        data = self._call("PUT", f"/v1/blobs/{b64e(blob)}/chunks/{index}", content=chunk,
                          headers={"X-Coterie-Sig": b64e(sig),
                                   "content-type": "application/octet-stream"})
        return data.get("complete") is True

    def download(self, blob: bytes, read_seed: bytes, start: int, size: int) -> Iterator[bytes]:
        """Bytes [start, size) of the blob as they arrive; never more than that."""
        headers = self._proof(read_seed, blob_read_message, blob)
        if start:
            headers["range"] = f"bytes={start}-"
        want = size - start
        try:
            with self._http.stream("GET", f"/v1/blobs/{b64e(blob)}", headers=headers) as r:
                if r.status_code not in (200, 206) or (start and r.status_code != 206):
                    raw = b""
                    for piece in r.iter_raw():
                        raw += piece
                        if len(raw) > ANSWER_CAP:
                            break
                    _checked(r.status_code, r.headers, raw)
                    raise RelayProtocolError("The relay answered a download oddly.")
                for piece in r.iter_raw(PIECE):
                    if len(piece) > want:
                        raise RelayProtocolError("The relay sent more than the blob holds.")
                    want -= len(piece)
                    yield piece
        except httpx.TimeoutException:
            raise RelayUnreachable("The relay did not answer in time.") from None
        except httpx.HTTPError:
            raise RelayUnreachable("The relay cannot be reached.") from None

    def delete(self, blob: bytes, delete_seed: bytes) -> None:
        self._call("DELETE", f"/v1/blobs/{b64e(blob)}",
                   headers=self._proof(delete_seed, blob_delete_message, blob))


def _checked(status: int, headers: httpx.Headers, raw: bytes) -> dict[str, Any]:
    if 500 <= status:
        raise RelayUnreachable("The relay could not handle the request; it will be retried.")
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        data = None
    if not isinstance(data, dict):
        if status >= 400:
            raise rejected_for(status, "The relay refused the request.")
        raise RelayProtocolError("The relay's answer is not a JSON object.")
    if status >= 400:
        sentence = data.get("error")
        if not isinstance(sentence, str) or len(sentence) > 300:
            sentence = "The relay refused the request."
        retry = headers.get("retry-after")
        raise rejected_for(status, sentence,
                           float(retry) if retry and retry.isdigit() else None)
    return data
