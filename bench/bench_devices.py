"""Linking a second desktop to a profile holding 10k posts, beside its ceiling in the same run.

- device_link_s_10k: from the moment the new installation has the code until it is a
  device of the member (`devices.join` returns): hello, offer, words (taken as compared),
  the certificate announced in the group and acknowledged by the relay, the store copied
  and made for the new device, sent through the relay in 60 KB chunks, received, written,
  re-keyed and opened, and the new device's sender key sent. Ceiling: the least any such
  transfer does, an encrypt-copy of the same store file (bench_backup's secretstream
  framing) into a file (ratio = ceiling / ours).

Set-up (profile, relay, the 10k posts written straight into the store) is not measured.
"""
from __future__ import annotations

import queue
import secrets
import tempfile
import threading
import time
from pathlib import Path

from app.api import Services
from app.store import NewPost
from bench.bench_backup import TEXT, _encrypt_copy
from bench.bench_sync import _RelayProcess
from bench.common import Row, latency_row
from tests.keyring_double import MemoryKeyring

POSTS = 10_000
BATCH = 5000


def _fill(svc: Services, gid_hex: str) -> None:
    rt = svc._access.runtime()
    gid = bytes.fromhex(gid_hex)
    for start in range(0, POSTS, BATCH):
        rt.store.posts.insert_posts([
            NewPost(gid, i.to_bytes(32, "big"), rt.me, "Ana", 1_700_000_000 + i,
                    1_700_000_000 + i, i + 1000, "post", f"{i} {TEXT}", None)
            for i in range(start, start + BATCH)])
    rt.store.checkpoint()


def run() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="coterie-bench-devices-") as tmp:
        root = Path(tmp)
        relay = _RelayProcess(root / "relay")
        keyring = MemoryKeyring()
        ana = Services(root / "ana", keyring_backend=keyring)
        lap = Services(root / "laptop", keyring_backend=keyring)
        try:
            ana.profile.create("Ana")
            ana.settings.update(default_relay=relay.url)
            gid = ana.groups.create("Bench devices", relay.url).id
            ana.sync_once()
            _fill(ana, gid)
            store_file = root / "ana" / "store.db"
            size_mb = store_file.stat().st_size / 1e6
            codes: queue.Queue[str] = queue.Queue()
            result: dict[str, object] = {}

            def link() -> None:
                try:
                    result["info"] = ana.devices.link(codes.put, lambda _w, _n: True)
                except Exception as exc:  # noqa: BLE001 - reported below
                    result["error"] = exc

            t = threading.Thread(target=link, daemon=True)
            t.start()
            code = codes.get(timeout=60)
            start = time.perf_counter()
            try:
                joined = lap.devices.join(code, "Laptop", None, lambda _w, _n: True)
            except Exception:
                t.join(120)
                raise RuntimeError(f"linking failed: {result.get('error')!r}") from None
            link_s = time.perf_counter() - start
            t.join(120)
            if "error" in result:
                raise RuntimeError(f"linking failed: {result['error']}")
            got = len(lap.posts.latest(gid, 5).posts)
            assert joined.groups == 1 and got == len(ana.posts.latest(gid, 5).posts) >= 5
            sent = getattr(result["info"], "bytes", 0)

            start = time.perf_counter()
            _encrypt_copy(store_file, root / "raw.enc", secrets.token_bytes(32))
            copy_s = time.perf_counter() - start
        finally:
            ana.close()
            lap.close()
            relay.stop()
    return [latency_row("device_link_s_10k", link_s, copy_s, "s",
                        f"{POSTS:,} posts, store {size_mb:.1f} MB, {sent / 1e6:.1f} MB through "
                        "the relay; ceiling: encrypt-copy of the store file")]


if __name__ == "__main__":
    from bench.common import format_table

    print(format_table(run()))
