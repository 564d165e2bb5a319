"""Backup and restore of a profile holding 100k posts, each beside its ceiling in the same run.

- backup_s_100k: `services.backup.create` of a profile whose group holds 100,000 posts (the
  recovery code already entered, as for automatic backups: no Argon2id). Ceiling: reading
  the same store file and pushing the same bytes through the same secretstream framing into
  a file, with no snapshot and no archive (ratio = ceiling / ours).
- restore_s_100k: `services.backup.restore` of that file into a new folder: Argon2id of the
  code for the file and the key-file unwrap (two MODERATE runs; the key then goes to the
  keyring), writing the files, opening the store and reading the relay (nothing new on it). Ceiling:
  one Argon2id MODERATE run plus opening the same frames and writing the plaintext out, the
  least any code-protected restore does.

Set-up (profile, relay, the 100k posts written straight into the store) is not measured.
"""
from __future__ import annotations

import os
import secrets
import tempfile
import time
from pathlib import Path

from nacl.bindings import (
    crypto_secretstream_xchacha20poly1305_init_pull,
    crypto_secretstream_xchacha20poly1305_init_push,
    crypto_secretstream_xchacha20poly1305_pull,
    crypto_secretstream_xchacha20poly1305_push,
    crypto_secretstream_xchacha20poly1305_state,
)
from nacl.bindings import (
    crypto_secretstream_xchacha20poly1305_TAG_FINAL as TAG_FINAL,
)
from nacl.bindings import (
    crypto_secretstream_xchacha20poly1305_TAG_MESSAGE as TAG_MESSAGE,
)

from app.api import Services
from app.backup_format import CHUNK, MEMLIMIT_MIN, OPSLIMIT_MIN, derive_key
from app.store import NewPost
from bench.bench_sync import _RelayProcess
from bench.common import Row, latency_row
from tests.keyring_double import MemoryKeyring

POSTS = 100_000
BATCH = 5000
TEXT = "A post of ordinary length for a small group, about one line of text. " * 2


def _fill(svc: Services, gid_hex: str) -> None:
    rt = svc._access.runtime()
    gid = bytes.fromhex(gid_hex)
    me = rt.identity.ik
    for start in range(0, POSTS, BATCH):
        rt.store.posts.insert_posts([
            NewPost(gid, i.to_bytes(32, "big"), me, "Ana", 1_700_000_000 + i,
                    1_700_000_000 + i, i + 1000, "post", f"{i} {TEXT}", None)
            for i in range(start, start + BATCH)])
    rt.store.checkpoint()


def _encrypt_copy(src: Path, dest: Path, key: bytes) -> None:
    state = crypto_secretstream_xchacha20poly1305_state()
    header = crypto_secretstream_xchacha20poly1305_init_push(state, key)
    with open(src, "rb") as fin, open(dest, "wb") as out:
        out.write(header)
        chunk = fin.read(CHUNK)
        while True:
            nxt = fin.read(CHUNK)
            tag = TAG_MESSAGE if nxt else TAG_FINAL
            ct = crypto_secretstream_xchacha20poly1305_push(state, chunk, None, tag)
            out.write(len(ct).to_bytes(4, "big") + ct)
            if not nxt:
                return
            chunk = nxt


def _decrypt_copy(src: Path, dest: Path, key: bytes) -> None:
    state = crypto_secretstream_xchacha20poly1305_state()
    with open(src, "rb") as fin, open(dest, "wb") as out:
        crypto_secretstream_xchacha20poly1305_init_pull(state, fin.read(24), key)
        while True:
            head = fin.read(4)
            if not head:
                return
            plain, _tag = crypto_secretstream_xchacha20poly1305_pull(
                state, fin.read(int.from_bytes(head, "big")), None)
            out.write(plain)


def run() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="coterie-bench-backup-") as tmp:
        root = Path(tmp)
        relay = _RelayProcess(root / "relay")
        keyring = MemoryKeyring()
        ana = Services(root / "ana", keyring_backend=keyring)
        restored = Services(root / "restored", keyring_backend=keyring)
        try:
            code = ana.profile.create("Ana")
            gid = ana.groups.create("Bench backup", relay.url).id
            ana.sync_once()
            _fill(ana, gid)
            ana.backup.remember_code(code)
            store_file = root / "ana" / "store.db"
            size_mb = store_file.stat().st_size / 1e6

            start = time.perf_counter()
            info = ana.backup.create(root / "ana.coterie-backup")
            backup_s = time.perf_counter() - start

            key = secrets.token_bytes(32)
            start = time.perf_counter()
            _encrypt_copy(store_file, root / "raw.enc", key)
            os.sync()
            copy_s = time.perf_counter() - start

            start = time.perf_counter()
            done = restored.backup.restore(info.path, code, None)
            restore_s = time.perf_counter() - start
            assert done.caught_up and restored.posts.latest(gid, 1).posts

            start = time.perf_counter()
            derive_key(b"coterie-recovery:bench", b"s" * 16, OPSLIMIT_MIN, MEMLIMIT_MIN)
            _decrypt_copy(root / "raw.enc", root / "raw.out", key)
            os.sync()
            floor_s = time.perf_counter() - start
        finally:
            ana.close()
            restored.close()
            relay.stop()
    note = f"{POSTS:,} posts, store {size_mb:.0f} MB, file {info.size / 1e6:.0f} MB"
    return [
        latency_row("backup_s_100k", backup_s, copy_s, "s",
                    f"{note}; ceiling: encrypt-copy of the store file"),
        latency_row("restore_s_100k", restore_s, floor_s, "s",
                    f"{note}; 2 Argon2id MODERATE runs + relay read; ceiling: 1 Argon2id + "
                    "decrypt-copy"),
    ]


if __name__ == "__main__":
    from bench.common import format_table

    print(format_table(run()))
