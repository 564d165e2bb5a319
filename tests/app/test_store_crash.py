"""kill -9 while the store is writing: the database opens intact with every committed row.

A child process posts (my post + its outbox row in one durable transaction) and stores
inbound batches with FTS rows (re-fetchable) as fast as it can, printing each outbox id once
its transaction has returned. The parent kills it
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
if store.groups.get_group(group) is None:
    store.groups.add_group(GroupRecord(group, "crash", "https://r", "admin", b"s", 1, 1))
print("ready", flush=True)


def send(s, n):
    # what posting does: my post and its outbox row in one durable transaction
    with s.transaction(durable=True):
        s.posts.insert_posts([NewPost(group, b"mine-%d" % n, b"M" * 32, "Me", n, n, n,
                                text="my own words %d" % n, mine=True)])
        return s.outbox.enqueue([NewOutbox("https://r", b"mb", b"cap", b"envelope %d" % n, n, group,
                                    msg_id=b"mine-%d" % n)])[0]


n = int(sys.argv[2])  # each run numbers its posts apart from the runs before
while True:
    n += 1
    print(store.run(send, n), flush=True)
    store.posts.insert_posts([NewPost(group, b"%d-%d" % (n, i), b"A" * 32, "Ana", n, n, i,
                                text="words of post %d number %d with some more text" % (n, i))
                        for i in range(40)])
"""


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_kill_minus_nine_mid_write_loses_nothing_committed(tmp_path: Path) -> None:
    key = os.urandom(32)
    committed: list[int] = []
    for round_ in range(3):  # three kills at different points of the stream
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path),
                                  str(round_ * 1_000_000)], cwd=ROOT,
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
            items = {item.id: item for item in store.outbox.pending_outbox(limit=1_000_000)}
            missing = set(committed) - set(items)
            assert not missing, f"committed outbox rows lost: {sorted(missing)[:5]}"
            msg_ids = [items[i].msg_id for i in committed]
            mine = store.posts.get_posts(GROUP, [m for m in msg_ids if m is not None])
            assert len(mine) == len(committed) and all(p.sending for p in mine.values())
            # inbound batches are atomic too: all 40 rows of a batch or none
            inbound = store.posts.post_count(GROUP) - len(items)
            assert inbound % 40 == 0 and inbound > 0
            assert len(store.search.find("words post", GROUP, limit=5)) == 5
    assert len(committed) >= 40 + 65 + 90 and len(set(committed)) == len(committed)
