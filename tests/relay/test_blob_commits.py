"""Group commit of blob chunks (relay/blobs.py ChunkCommits): chunks acknowledged together
share one fsync per blob file and one index transaction, a chunk is answered only after
both, and a conflicting chunk fails alone."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest

from relay.blob_files import BlobFiles
from relay.blobs import ChunkCommits
from relay.errors import Conflict
from relay.sqlite_blobs import SQLiteBlobs
from relay.storage import BlobRecord

CHUNK = 1 << 10


class _Counting(BlobFiles):
    def __init__(self, root: Path, events: list[str]) -> None:
        super().__init__(root)
        self.events = events

    def sync(self, blob: bytes) -> None:
        self.events.append("sync")
        super().sync(blob)


class _Index(SQLiteBlobs):
    def __init__(self, path: Path, events: list[str], gate: threading.Event) -> None:
        super().__init__(path)
        self.events = events
        self.gate = gate

    def add_chunks(self, entries):  # type: ignore[no-untyped-def]
        if self.events:           # the first group is held until every chunk has arrived
            self.gate.wait(10)
            self.events.append(f"commit {len(entries)}")
        return super().add_chunks(entries)


@pytest.mark.timeout(60)
def test_chunks_in_flight_share_one_sync_and_one_commit_and_a_conflict_fails_alone(
        tmp_path: Path) -> None:
    events: list[str] = []
    gate = threading.Event()
    files = _Counting(tmp_path / "blobs", events)
    index = _Index(tmp_path / "relay.db", events, gate)
    blob = b"\x01" * 32
    index.create(BlobRecord(blob, b"\x02" * 32, 9 * CHUNK, b"r" * 32, b"d" * 32, 1, 1, False),
                 1 << 30)
    index.add_chunk(blob, 8, b"\xff" * 32, 9, 1)           # stored before, with other bytes
    commits = ChunkCommits(files, index)
    answers: dict[int, object] = {}

    def put(i: int) -> None:
        files.write_chunk(blob, i, CHUNK, bytes([i]) * CHUNK)
        try:
            answers[i] = commits.commit((blob, i, bytes([i]) * 32, 9, 2), i != 8)
        except Conflict as exc:
            answers[i] = exc

    first = threading.Thread(target=put, args=(0,))
    first.start()
    while not events:        # chunk 0 leads and waits at the gate inside its commit
        threading.Event().wait(0.01)
    rest = [threading.Thread(target=put, args=(i,)) for i in range(1, 9)]
    for t in rest:
        t.start()
    threading.Event().wait(0.3)
    assert answers == {}      # nobody is acknowledged before its group is durable
    gate.set()
    for t in [first, *rest]:
        t.join(10)
    assert events == ["sync", "commit 1", "sync", "commit 8"]
    assert isinstance(answers.pop(8), Conflict)
    # chunk 0 went alone (2 of 9 stored then); the group that followed completed the blob
    assert answers == {0: False, **{i: True for i in range(1, 8)}}
    assert index.stored(blob) == list(range(9))
    assert (files.path(blob).read_bytes()[:8 * CHUNK]
            == b"".join(bytes([i]) * CHUNK for i in range(8)))
