"""kill -9 while the store is writing: the database opens intact with every committed row.

A child process writes outbox rows (durable) and post batches with FTS rows (re-fetchable)
as fast as it can and prints each outbox id once `enqueue` has returned. The parent kills it
with SIGKILL mid-stream, then checks integrity, the FTS index, and that every printed id is
still in the outbox.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.store import Store

ROOT = Path(__file__).resolve().parents[2]
GROUP = b"\x42" * 16

CHILD = r"""
import sys
from pathlib import Path
from app.store import GroupRecord, NewOutbox, NewPost, Store

key = bytes.fromhex(sys.stdin.readline().strip())
store = Store.open(Path(sys.argv[1]), key)
group = b"\x42" * 16
if store.get_group(group) is None:
    store.add_group(GroupRecord(group, "crash", "https://r", "admin", b"s", 1, 1))
print("ready", flush=True)
n = 0
while True:
    n += 1
    [row] = store.enqueue([NewOutbox("https://r", b"mb", b"cap", b"envelope %d" % n, n, group)])
    print(row, flush=True)
    store.insert_posts([NewPost(group, b"%d-%d" % (n, i), b"A" * 32, "Ana", n, n, i,
                                text="words of post %d number %d with some more text" % (n, i))
                        for i in range(40)])
"""


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_kill_minus_nine_mid_write_loses_nothing_committed(tmp_path: Path) -> None:
    key = os.urandom(32)
    committed: list[int] = []
    for round_ in range(3):  # three kills at different points of the stream
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path)], cwd=ROOT,
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert child.stdin is not None and child.stdout is not None
        child.stdin.write(key.hex() + "\n")
        child.stdin.flush()
        assert child.stdout.readline().strip() == "ready"
        start, target = len(committed), 40 + 25 * round_
        deadline = time.monotonic() + 60
        while len(committed) - start < target and time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            committed.append(int(line))
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        # ids printed before the kill are committed; read what was already in the pipe too
        committed += [int(line) for line in child.stdout.read().split()]
        assert child.returncode == -signal.SIGKILL

        with Store.open(tmp_path, key) as store:
            assert store.check_integrity() == []
            stored = {item.id for item in store.pending_outbox(limit=1_000_000)}
            missing = set(committed) - stored
            assert not missing, f"committed outbox rows lost: {sorted(missing)[:5]}"
            # post batches are atomic: either all 40 rows of a batch or none
            count = store.post_count(GROUP)
            assert count % 40 == 0 and count > 0
            assert len(store.search("words post", GROUP, limit=5)) == 5
    assert len(committed) >= 40 + 65 + 90 and len(set(committed)) == len(committed)
