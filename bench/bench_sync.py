"""Sync benchmarks: draining a backlog from a local relay, and live post latency.

backlog_N: Ana queues N posts on a relay process on loopback; Ben, already a member, runs
one `sync_once` (fetch, verify, decrypt, chain check, store with FTS). The figure is posts
stored per second of that sync; the ceiling is raw PyNaCl Ed25519 verifications per second
on two threads (each post needs at least one; cffi releases the GIL), measured right before
and right after each sync (their mean) so load from other processes hits both alike. The
row reports the sync with the median ratio of three; target ratio >= 0.6.

e2e_latency_p99_ms: both members run the live engine (push); the time from Ana's
`post()` returning to Ben's listener hearing the stored post, p99 of 100 posts after 5
discarded; target <= 100 ms.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from nacl.signing import SigningKey

from app.api import Services
from app.views import ChangeEvent, ChangeKind, ConnectionState
from bench.common import Row, latency_row, percentile, rate_row
from tests.keyring_double import MemoryKeyring as _MemoryKeyring

POST_TEXT = "A post of ordinary length for a small group, about one line of text. " * 3




def verify_rate_2t(n: int = 2000) -> float:
    """Raw Ed25519 verifications per second on two threads at once (the ceiling): each
    thread verifies n signatures through PyNaCl, whose cffi calls release the GIL."""
    key = SigningKey(os.urandom(32))
    signed = key.sign(os.urandom(512))
    vk = key.verify_key
    go = threading.Barrier(3)

    def work() -> None:
        go.wait()
        for _ in range(n):
            vk.verify(signed)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    go.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    return 2 * n / (time.perf_counter() - start)


class _RelayProcess:
    """`coterie-relay` in its own process, so its CPU does not share our interpreter."""

    def __init__(self, data: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "relay.cli", "--port", str(port), "--data", str(data),
             "--log-level", "warning"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("the relay did not start")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class _World:
    def __init__(self, root: Path) -> None:
        self.keyring = _MemoryKeyring()
        self.relay = _RelayProcess(root / "relay")
        self.root = root

    def pair(self, tag: str) -> tuple[Services, Services, str]:
        ana = Services(self.root / f"ana-{tag}", keyring_backend=self.keyring)
        ben = Services(self.root / f"ben-{tag}", keyring_backend=self.keyring)
        ana.profile.create("Ana")
        ben.profile.create("Ben")
        gid = ana.groups.create(f"Bench {tag}", self.relay.url).id
        link = ana.invites.create(gid).link
        ana.sync_once()
        ben.invites.join(link)
        ben.sync_once()
        ana.sync_once()
        ben.sync_once()
        ana.sync_once()
        return ana, ben, gid

    def close(self) -> None:
        self.relay.stop()


def _task_cpu(pid: str, tid: str) -> float | None:
    """CPU seconds one thread has run (Linux: /proc schedstat, in nanoseconds)."""
    try:
        return int(Path(f"/proc/{pid}/task/{tid}/schedstat").read_text().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        return None


def _thread_cpu() -> dict[str, float]:
    """CPU seconds of each live thread of this process, by thread name (empty where /proc
    has no schedstat)."""
    out: dict[str, float] = {}
    for t in threading.enumerate():
        cpu = _task_cpu("self", str(t.native_id))
        if cpu is not None:
            out[t.name] = out.get(t.name, 0.0) + cpu
    return out


def _process_cpu(pid: int) -> float:
    """CPU seconds of every live thread of process `pid` (the relay: its threads live on)."""
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return 0.0
    return sum(_task_cpu(str(pid), tid) or 0.0 for tid in tids)


def _cpu_split(n: int, threads: dict[str, float], total: float, relay: float) -> str:
    """Where one sync's CPU went, in µs per post: the store thread, the delivery thread
    (opening and app logic), the signature-check helper, the rest of the client (the network
    thread, which has ended by now), and the relay process."""
    store = sum(v for k, v in threads.items() if k.startswith("coterie-store"))
    verify = sum(v for k, v in threads.items() if k.startswith("coterie-verify"))
    delivery = threads.get("MainThread", 0.0)
    rest = max(0.0, total - store - verify - delivery)
    per = 1e6 / n
    return (f"CPU µs/post: store {store * per:.0f}, delivery {delivery * per:.0f}, verify "
            f"helper {verify * per:.0f}, network {rest * per:.0f}, relay {relay * per:.0f}")


def backlog_once(world: _World, n: int, tag: str) -> tuple[float, float, str]:
    """(posts/s of one sync of n queued posts, two-thread verify/s around it, where the
    sync's CPU went)."""
    ana, ben, gid = world.pair(f"backlog{n}-{tag}")
    try:
        for i in range(n):
            ana.posts.post(gid, f"{i} {POST_TEXT}")
        ana.sync_once(timeout=300)
        before = verify_rate_2t()
        threads0, cpu0 = _thread_cpu(), time.process_time()
        relay0 = _process_cpu(world.relay.proc.pid)
        start = time.perf_counter()
        report = ben.sync_once(timeout=300)
        elapsed = time.perf_counter() - start
        threads1, cpu1 = _thread_cpu(), time.process_time()
        relay1 = _process_cpu(world.relay.proc.pid)
        after = verify_rate_2t()
        if report.new_posts != n:
            raise RuntimeError(f"backlog_{n}: stored {report.new_posts} of {n} posts")
        split = _cpu_split(n, {k: v - threads0.get(k, 0.0) for k, v in threads1.items()},
                           cpu1 - cpu0, relay1 - relay0)
        return n / elapsed, (before + after) / 2, split
    finally:
        ana.close()
        ben.close()


def backlog(world: _World, n: int, runs: int = 3) -> Row:
    results = sorted((backlog_once(world, n, str(i)) for i in range(runs)),
                     key=lambda r: r[0] / r[1])
    ours, ceiling, split = results[len(results) // 2]
    return rate_row(f"backlog_{n}", ours, ceiling, "posts/s",
                    f"one sync of {n} queued posts, median of {runs}; ceiling = raw Ed25519 "
                    f"verify/s on two threads around each sync; target >= 0.6; {split} "
                    "(two cores: the sum bounds the rate)")


def latency(world: _World, samples: int = 100, warmup: int = 5) -> Row:
    ana, ben, gid = world.pair("latency")
    arrived: dict[str, float] = {}
    cond = threading.Condition()

    def listener(event: ChangeEvent) -> None:
        if event.kind is ChangeKind.POSTS and event.incoming:
            t = time.perf_counter()
            with cond:
                for pid in event.post_ids:
                    arrived.setdefault(pid, t)
                cond.notify_all()

    ben.add_listener(listener)
    ben.start()
    ana.start()
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and (
                ben.connection().state is not ConnectionState.ONLINE
                or ana.connection().state is not ConnectionState.ONLINE):
            time.sleep(0.05)
        times = []
        for i in range(samples + warmup):
            start = time.perf_counter()
            pid = ana.posts.post(gid, f"live {i}").id
            with cond:
                if not cond.wait_for(lambda pid=pid: pid in arrived, timeout=10):
                    raise RuntimeError("a live post did not arrive within 10 s")
            if i >= warmup:
                times.append((arrived[pid] - start) * 1000)
            time.sleep(0.01)
        return latency_row("e2e_latency_p99_ms", percentile(times, 99), None, "ms",
                           f"post -> stored at the peer via push, loopback; median "
                           f"{percentile(times, 50):.1f} ms; target <= 100 ms")
    finally:
        ana.close()
        ben.close()


def run() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="coterie-bench-sync-") as tmp:
        world = _World(Path(tmp))
        try:
            rows = [backlog(world, 1000), backlog(world, 5000)]
            rows.append(latency(world))
            return rows
        finally:
            world.close()


if __name__ == "__main__":  # pragma: no cover
    from bench.common import format_table

    print(format_table(run()))
