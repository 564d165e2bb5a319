"""Blob routes (API v1, docs/protocol.md §15.3): encrypted file bodies in chunks.

    POST   /v1/blobs                          create: {mailbox, blob, size, read_pk,
                                              delete_pk, sig}; sig by the mailbox write key
    PUT    /v1/blobs/{blob}/chunks/{index}    one chunk, raw bytes; X-Coterie-Sig by the
                                              write key of the blob's mailbox; idempotent
    GET    /v1/blobs/{blob}/chunks            resume: which chunks are stored (read proof)
    GET    /v1/blobs/{blob}                   the blob, HTTP Range allowed (read proof)
    DELETE /v1/blobs/{blob}                   delete proof by the blob's delete key

The relay learns a blob's padded size (one of the bucket sizes; any other is refused), the
epoch mailbox that created it, and timing. A chunk is acknowledged only after its bytes
are fsynced and its row committed; the chunks in flight at once share that work (group
commit, `ChunkCommits`: one fsync of each blob file and one transaction per group). Blobs of a closed or expired mailbox are not served; stalled
uploads and blobs past retention are removed by a background task.
"""
from __future__ import annotations

import asyncio
import json
import logging
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from crypto.relay_wire import (
    BLOB_CHUNK,
    BLOB_ID_LEN,
    blob_create_message,
    blob_delete_message,
    blob_put_message_of,
    blob_read_message,
    body_hash,
    chunk_count,
    chunk_span,
    is_bucket,
    verify,
)
from relay import parse
from relay.blob_files import BlobFiles
from relay.config import Limits
from relay.core import ReadProof
from relay.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    Gone,
    NotFound,
    RelayError,
    RequestTimeout,
    TooLarge,
)
from relay.pg_blobs import PostgresBlobs
from relay.pg_storage import PostgresStorage
from relay.sqlite_blobs import SQLiteBlobs
from relay.storage import BlobIndex, BlobRecord, ChunkEntry, Storage

log = logging.getLogger("relay.blobs")
EXPIRE_BATCH = 500
_JSON = "application/json"


def _json(status: int, payload: object) -> Response:
    return Response(json.dumps(payload, separators=(",", ":")).encode(), status,
                    media_type=_JSON)


def open_index(storage: Storage, data_dir: Path | None) -> BlobIndex:
    if isinstance(storage, PostgresStorage):
        return PostgresBlobs(storage)
    path = getattr(storage, "path", ":memory:")
    return SQLiteBlobs(path if data_dir is not None else ":memory:")


class _Waiting:
    __slots__ = ("entry", "fresh", "result")

    def __init__(self, entry: ChunkEntry, fresh: bool) -> None:
        self.entry = entry
        self.fresh = fresh
        self.result: bool | BaseException | None = None


class ChunkCommits:
    """Group commit for chunk acknowledgements, on the handlers' worker threads.

    A chunk's bytes are written (not yet synced) before `commit`; a commit makes every
    waiting chunk durable together: one fsync per blob file named (it covers every chunk
    written to that file before it), then one index transaction for all their rows. The
    first caller while none runs leads; chunks that arrive meanwhile wait and go in the
    next group, so nothing waits for a timer and a lone chunk costs what it did alone.
    """

    def __init__(self, files: BlobFiles, index: BlobIndex) -> None:
        self._files = files
        self._index = index
        self._cond = threading.Condition()
        self._waiting: list[_Waiting] = []
        self._busy = False

    def commit(self, entry: ChunkEntry, fresh: bool) -> bool:
        """Durable when it returns: True when the blob is complete. Conflict (or the
        storage's error) for this chunk."""
        me = _Waiting(entry, fresh)
        with self._cond:
            self._waiting.append(me)
            while self._busy and me.result is None:
                self._cond.wait()
            if me.result is None:
                self._busy = True
                group, self._waiting = self._waiting, []
            else:
                group = []
        if group:
            try:
                self._flush(group)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()
        if isinstance(me.result, BaseException):
            raise me.result
        assert me.result is not None
        return me.result

    def _flush(self, group: list[_Waiting]) -> None:
        try:
            for blob in dict.fromkeys(w.entry[0] for w in group if w.fresh):
                self._files.sync(blob)
            results: list[bool | RelayError] = self._index.add_chunks(
                [w.entry for w in group])
        except BaseException as exc:  # noqa: BLE001 - every chunk of the group gets it
            for w in group:
                w.result = exc
            return
        for w, result in zip(group, results, strict=True):
            w.result = result


class Blobs:
    """The blob half of one relay: index, files, limits; `routes()` for the route table."""

    def __init__(self, relay: Any, index: BlobIndex | None = None) -> None:
        """`relay` is the relay.app.Relay this serves (its storage, core, limits and
        request plumbing)."""
        self.relay = relay
        config = relay.config
        self.limits: Limits = config.limits
        if config.data_dir is not None:
            root = Path(config.data_dir) / "blobs"
        else:   # a relay built around a given storage in tests
            self._tmp = tempfile.TemporaryDirectory(prefix="coterie-blobs-")
            root = Path(self._tmp.name)
        self.files = BlobFiles(root)
        self.index = index or open_index(relay.storage, config.data_dir)
        self.commits = ChunkCommits(self.files, self.index)
        self.uploaded_bytes = 0
        self.downloaded_bytes = 0
        self.removed = 0
        self._sweeper: asyncio.Task[None] | None = None

    def clock(self) -> int:
        return int(self.relay.core.clock())

    # -- checks --------------------------------------------------------------------------

    def _blob_path(self, request: Request) -> bytes:
        return parse.path_value(request.path_params["blob"], parse.BLOB,
                                f"The blob id must be {BLOB_ID_LEN} bytes of base64url.")

    async def _record(self, blob: bytes) -> BlobRecord:
        record = await asyncio.to_thread(self.index.get, blob)
        if record is None:
            raise NotFound("No such blob on this relay.")
        return record

    def _proof(self, request: Request, key: bytes, message: Callable[[bytes, int, bytes], bytes],
               blob: bytes, tag: bytes) -> None:
        proof: ReadProof = parse.proof_headers(request.headers)
        now = self.relay.core.clock()
        if abs(proof.time - now) > self.limits.proof_window_seconds:
            raise Forbidden("The proof time is too far from the relay's clock; "
                            "check the system clock.")
        if not verify(key, message(blob, proof.time, proof.nonce), proof.proof):
            raise Forbidden("The proof does not match the blob's key.")
        self.relay.core.nonces.remember_all([(tag + blob + proof.nonce, proof.time)], now,
                                            self.relay._client(request))

    def _open_mailbox(self, mailbox: bytes) -> None:
        box = self.relay.storage.get_mailbox(mailbox)
        if box is None:
            raise Gone("The epoch of this blob has ended.")
        if box.closed or box.expired(self.relay.core.clock()):
            raise Gone("The epoch of this blob has ended; its files are closed.")

    # -- handlers ------------------------------------------------------------------------

    async def create(self, request: Request) -> Response:
        relay = self.relay
        client = relay._client(request)

        specs = parse.blob_create_fields(self.limits)   # also /openapi.json's schema

        def fields(data: dict) -> tuple[bytes, bytes, int, bytes, bytes, bytes]:
            mailbox, blob, size, read_pk, delete_pk, sig = parse.fields(data, specs)
            return mailbox, blob, size, read_pk, delete_pk, sig

        mailbox, blob, size, read_pk, delete_pk, sig = await relay._parsed(request, client,
                                                                           fields)
        if size > self.limits.max_blob_bytes:
            raise TooLarge(f"A file may be at most {self.limits.max_blob_bytes} bytes "
                           "once padded on this relay.")
        if not is_bucket(size):
            raise BadRequest("The blob size is not one of the padded sizes.")
        relay._charge_signatures(client, 1)
        box = relay.storage.get_mailbox(mailbox)
        if box is None:
            raise NotFound("No such mailbox on this relay.")
        if not verify(box.write_pk, blob_create_message(mailbox, blob, size, read_pk,
                                                         delete_pk), sig):
            raise Forbidden("The signature does not match the mailbox's write key.")
        if box.closed or box.expired(relay.core.clock()):
            raise Gone("This mailbox is closed." if box.closed else "This mailbox has expired.")
        now = self.clock()
        record = BlobRecord(blob, mailbox, size, read_pk, delete_pk, now, now, False)
        created = await asyncio.to_thread(self.index.create, record,
                                          self.limits.mailbox_max_blob_bytes)
        self._start()
        return _json(201 if created else 200, {"created": created, "chunk_size": BLOB_CHUNK,
                                               "chunks": chunk_count(size)})

    async def put_chunk(self, request: Request) -> Response:
        relay = self.relay
        blob = self._blob_path(request)
        index = parse.path_value(request.path_params["index"], parse.CHUNK_INDEX,
                                 "The chunk index is out of range.")
        client = relay._client(request)
        record = await self._record(blob)
        if index is None or index >= chunk_count(record.size):
            raise BadRequest("The chunk index is out of range.")
        _, length = chunk_span(record.size, index)
        sig = parse.path_value(request.headers.get("x-coterie-sig", ""), parse.CHUNK_SIG,
                               "The header X-Coterie-Sig must be 64 bytes of base64url.")
        body = await self._read_body(request, length)
        if len(body) != length:
            raise BadRequest(f"Chunk {index} of this blob must be {length} bytes.")
        relay._charge_signatures(client, 1)
        box = relay.storage.get_mailbox(record.mailbox)
        now = self.clock()

        def store() -> tuple[bool, bool]:
            # On a worker thread, in one trip: hashing a 1 MiB chunk on the event loop
            # would hold up every other request (hashlib releases the GIL, so chunks in
            # flight hash in parallel). Hashed once, for the signature and the row.
            digest = body_hash(body)
            if box is None or not verify(box.write_pk,
                                         blob_put_message_of(blob, index, digest), sig):
                raise Forbidden("The chunk signature does not match the mailbox's write key.")
            # Bytes first, durably, then the row: a row never names a chunk that is not on
            # disk. A crash between the two leaves a file the client simply sends again.
            # The fsync and the commit are shared with the chunks in flight (ChunkCommits).
            fresh = index not in self.index.stored(blob)
            if fresh:
                self.files.write_chunk(blob, index, BLOB_CHUNK, body)
            return fresh, self.commits.commit(
                (blob, index, digest, chunk_count(record.size), now), fresh)

        fresh, complete = await asyncio.to_thread(store)
        if fresh:
            self.uploaded_bytes += len(body)
        return _json(200, {"stored": True, "complete": complete})

    async def _read_body(self, request: Request, limit: int) -> bytes:
        declared = request.headers.get("content-length", "")
        if declared.isascii() and declared.isdigit() and int(declared) > limit:
            raise TooLarge("The chunk is larger than the blob's chunk size.")
        parts, size = [], 0
        try:
            async with asyncio.timeout(self.limits.body_timeout_seconds):
                async for piece in request.stream():
                    size += len(piece)
                    if size > limit:
                        raise TooLarge("The chunk is larger than the blob's chunk size.")
                    parts.append(piece)
        except TimeoutError:
            raise RequestTimeout("The request body arrived too slowly.") from None
        return b"".join(parts)

    async def chunks(self, request: Request) -> Response:
        blob = self._blob_path(request)
        record = await self._record(blob)
        self.relay._charge_signatures(self.relay._client(request), 1)
        self._proof(request, record.read_pk, blob_read_message, blob, b"B")
        stored = await asyncio.to_thread(self.index.stored, blob)
        return _json(200, {"size": record.size, "chunk_size": BLOB_CHUNK,
                           "chunks": chunk_count(record.size), "stored": stored,
                           "complete": record.complete})

    async def download(self, request: Request) -> Response:
        blob = self._blob_path(request)
        record = await self._record(blob)
        self.relay._charge_signatures(self.relay._client(request), 1)
        self._proof(request, record.read_pk, blob_read_message, blob, b"B")
        self._open_mailbox(record.mailbox)
        if not record.complete:
            raise Conflict("This blob is still being uploaded.")
        size = record.size
        start, end = 0, size
        status = 200
        headers = {"accept-ranges": "bytes"}
        wanted = request.headers.get("range")
        if wanted is not None:
            start, end = _range(wanted, size)
            status = 206
            headers["content-range"] = f"bytes {start}-{end - 1}/{size}"
        headers["content-length"] = str(end - start)

        def pieces() -> Iterator[bytes]:
            for piece in self.files.read(blob, start, end):
                self.downloaded_bytes += len(piece)
                yield piece

        return StreamingResponse(pieces(), status, headers=headers,
                                 media_type="application/octet-stream")

    async def delete(self, request: Request) -> Response:
        blob = self._blob_path(request)
        record = await self._record(blob)
        self.relay._charge_signatures(self.relay._client(request), 1)
        self._proof(request, record.delete_pk, blob_delete_message, blob, b"D")
        await asyncio.to_thread(self._remove, blob)
        return _json(200, {"deleted": True})

    def _remove(self, blob: bytes) -> None:
        self.index.delete(blob)
        self.files.delete(blob)
        self.removed += 1

    # -- retention -----------------------------------------------------------------------

    def _start(self) -> None:
        if self._sweeper is None:
            self._sweeper = asyncio.get_running_loop().create_task(self._sweep_forever())

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self.limits.prune_interval_seconds)
            try:
                await asyncio.to_thread(self.sweep_once)
            except (RelayError, OSError):
                log.warning("blob retention could not run; it will be retried")

    def sweep_once(self) -> int:
        """Remove stalled uploads and blobs past retention; how many went."""
        now = self.clock()
        gone = 0
        while True:
            batch = self.index.expired(now - self.limits.blob_stall_seconds,
                                       now - self.limits.blob_retention_seconds, EXPIRE_BATCH)
            for blob in batch:
                self._remove(blob)
            gone += len(batch)
            if len(batch) < EXPIRE_BATCH:
                return gone

    def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
        self.index.close()

    # -- metrics and routes --------------------------------------------------------------

    def metrics_text(self, prefix: str = "coterie_relay_") -> str:
        totals = self.index.totals()
        lines = []
        for name, kind, help_text, value in (
                ("blobs", "gauge", "Blobs stored (complete or uploading).", totals.blobs),
                ("blob_bytes", "gauge", "Padded bytes of the blobs stored.", totals.blob_bytes),
                ("blobs_uploading", "gauge", "Blobs whose upload is not complete.",
                 totals.uploading),
                ("blob_uploaded_bytes_total", "counter", "Blob chunk bytes stored.",
                 self.uploaded_bytes),
                ("blob_downloaded_bytes_total", "counter", "Blob bytes served.",
                 self.downloaded_bytes),
                ("blobs_removed_total", "counter", "Blobs deleted or expired.", self.removed)):
            lines += [f"# HELP {prefix}{name} {help_text}", f"# TYPE {prefix}{name} {kind}",
                      f"{prefix}{name} {value}"]
        return "\n".join(lines) + "\n"

    def routes(self) -> list[Route]:
        e = self.relay._endpoint
        return [
            Route("/v1/blobs", e("blob_create", self.create), methods=["POST"]),
            Route("/v1/blobs/{blob}/chunks/{index}", e("blob_put", self.put_chunk),
                  methods=["PUT"]),
            Route("/v1/blobs/{blob}/chunks", e("blob_chunks", self.chunks), methods=["GET"]),
            Route("/v1/blobs/{blob}", e("blob_get", self.download), methods=["GET"]),
            Route("/v1/blobs/{blob}", e("blob_delete", self.delete), methods=["DELETE"]),
        ]


def _range(header: str, size: int) -> tuple[int, int]:
    """[start, end) of one `bytes=a-b`, `bytes=a-` or `bytes=-n` range."""
    text = header.strip()
    if not text.startswith("bytes=") or "," in text:
        raise _unsatisfiable()
    first, _, last = text[6:].partition("-")
    try:
        if first == "":
            n = int(last)
            if n <= 0:
                raise ValueError
            return max(0, size - n), size
        start = int(first)
        end = int(last) + 1 if last else size
    except ValueError:
        raise _unsatisfiable() from None
    if not 0 <= start < size or end <= start:
        raise _unsatisfiable()
    return start, min(end, size)


class RangeNotSatisfiable(RelayError):
    status = 416


def _unsatisfiable() -> RelayError:
    return RangeNotSatisfiable("The requested range is not within the blob.")
