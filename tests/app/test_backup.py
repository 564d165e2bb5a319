"""Backups of a whole profile and their restore: format rules and attack tests
(docs/backup.md). The two-member flow over a relay is tests/e2e/test_backup_flow.py."""
from __future__ import annotations

import os
import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from nacl import pwhash

from app import backup as backup_module
from app import backup_format as bf
from app.api import Services
from app.backup import SUFFIX, prune
from app.backup_format import DamagedBackup, WeakBackupParameters, WrongCode
from app.errors import ProfileError
from app.keys import recovery_secret
from app.store import Store
from tests.keyring_double import MemoryKeyring


@dataclass
class Made:
    root: Path
    keyring: MemoryKeyring
    svc: Services
    code: str
    file: Path


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Made]:
    """One profile with a table and a blob folder no backup code knows about, backed up."""
    root = tmp_path_factory.mktemp("backup")
    keyring = MemoryKeyring()
    svc = Services(root / "ana", keyring_backend=keyring)
    code = svc.profile.create("Ana")
    store = svc._access.runtime().store
    store.run(lambda s: s._db().executescript(
        "CREATE TABLE future_feature (id INTEGER PRIMARY KEY, note TEXT);"
        "INSERT INTO future_feature (note) VALUES ('carried without a list of tables');"))
    blob = root / "ana" / "blobs" / "ab" / "abcdef"
    blob.parent.mkdir(parents=True)
    blob.write_bytes(os.urandom(200_000))
    svc.backup.remember_code(code)
    file = root / f"ana{SUFFIX}"
    svc.backup.create(file)
    yield Made(root, keyring, svc, code, file)
    svc.close()


def _restore(made: Made, source: Path, name: str, code: str | None = None) -> Services:
    svc = Services(made.root / name, keyring_backend=made.keyring)
    try:
        svc.backup.restore(source, code or made.code, None)
    except BaseException:
        svc.close()
        raise
    return svc


def _nothing_written(made: Made, name: str) -> None:
    assert not (made.root / name).exists()
    assert not [p for p in made.root.iterdir() if p.name.startswith(".restoring-")]


def test_a_restore_carries_every_table_and_file_without_a_list_of_them(made: Made) -> None:
    restored = _restore(made, made.file, "restored")
    try:
        store = restored._access.runtime().store
        rows = store.run(lambda s: s._db().execute("SELECT note FROM future_feature").fetchall())
        assert rows == [("carried without a list of tables",)]
        blob = made.root / "ana" / "blobs" / "ab" / "abcdef"
        assert (made.root / "restored" / "blobs" / "ab" / "abcdef").read_bytes() == blob.read_bytes()
        assert restored.profile.me().fingerprint == made.svc.profile.me().fingerprint
        assert store.check_integrity() == []
        # the backup key came along: the restored profile backs up without the code
        assert restored.backup.has_code()
    finally:
        restored.close()


def test_the_backup_file_holds_nothing_in_the_clear(made: Made) -> None:
    data = made.file.read_bytes()
    key = made.svc._access.key()
    fingerprint = made.svc.profile.me().fingerprint.encode()
    # needles of 12+ bytes: a short one turns up in 370 kB of ciphertext by chance
    for secret in (key, key.hex().encode(), made.code.encode(), b"future_feature",
                   b"carried without", fingerprint, b"SQLite format", b"coterie-backup"):
        assert secret not in data


def test_a_wrong_code_writes_nothing(made: Made) -> None:
    with pytest.raises(WrongCode):
        _restore(made, made.file, "wrong", "0000-0000-0000-0000-0000-0000-0000-0000")
    _nothing_written(made, "wrong")


def test_an_edited_header_fails_like_a_wrong_code(made: Made, tmp_path: Path) -> None:
    data = bytearray(made.file.read_bytes())
    data[44] ^= 0x01                        # the creation date, not an Argon2id input
    edited = tmp_path / f"edited{SUFFIX}"
    edited.write_bytes(bytes(data))
    with pytest.raises(WrongCode):
        _restore(made, edited, "edited")
    _nothing_written(made, "edited")


@pytest.mark.parametrize("field,value", [(12, pwhash.argon2id.OPSLIMIT_MODERATE - 1),
                                         (20, pwhash.argon2id.MEMLIMIT_MODERATE // 2)])
def test_weaker_key_derivation_is_refused_before_any_work(made: Made, tmp_path: Path,
                                                         field: int, value: int) -> None:
    data = bytearray(made.file.read_bytes())
    data[field:field + 8] = struct.pack(">Q", value)
    weak = tmp_path / f"weak{SUFFIX}"
    weak.write_bytes(bytes(data))
    with pytest.raises(WeakBackupParameters):
        _restore(made, weak, "weak")
    _nothing_written(made, "weak")


def test_bytes_after_the_final_frame_are_damage(made: Made, tmp_path: Path) -> None:
    longer = tmp_path / f"longer{SUFFIX}"
    longer.write_bytes(made.file.read_bytes() + b"\x00")
    with pytest.raises(DamagedBackup):
        _restore(made, longer, "longer")
    _nothing_written(made, "longer")


def _crafted(path: Path, code: str, records: bytes) -> None:
    salt = b"s" * 16
    key = bf.derive_key(recovery_secret(code), salt, bf.OPSLIMIT_MIN, bf.MEMLIMIT_MIN)
    with open(path, "wb") as out:
        stream = bf.StreamWriter(out, key, bf.OPSLIMIT_MIN, bf.MEMLIMIT_MIN, salt, 0)
        stream.write(records)
        stream.finish()


def test_a_path_that_climbs_out_is_refused_and_nothing_lands_outside(made: Made,
                                                                     tmp_path: Path) -> None:
    manifest = b'{"format": "coterie-backup"}'
    name = b"../escaped"
    records = (bytes([bf.REC_MANIFEST]) + struct.pack(">I", len(manifest)) + manifest
               + bytes([bf.REC_FILE]) + struct.pack(">H", len(name)) + name
               + struct.pack(">Q", 3) + b"bad" + bytes([bf.REC_END]))
    evil = tmp_path / f"evil{SUFFIX}"
    _crafted(evil, made.code, records)
    with pytest.raises(DamagedBackup):
        _restore(made, evil, "evil")
    _nothing_written(made, "evil")
    assert not (made.root / "escaped").exists()


@pytest.mark.parametrize("path", ["/etc/passwd", "a/../../b", "", "a//b", "a\\b", "C:x", "./a"])
def test_archive_paths_are_plain_and_relative(path: str) -> None:
    with pytest.raises(DamagedBackup):
        bf.check_path(path)


def test_restoring_over_a_profile_is_refused(made: Made) -> None:
    again = Services(made.root / "ana", keyring_backend=made.keyring)
    try:
        with pytest.raises(ProfileError):
            again.backup.restore(made.file, made.code, None)
    finally:
        again.close()


def test_the_store_snapshot_is_consistent_while_writes_go_on(made: Made, tmp_path: Path) -> None:
    settings = made.svc._access.runtime().store.settings
    stop = threading.Event()

    def writer() -> None:
        n = 0
        while not stop.is_set():
            settings.set(f"test.busy.{n % 50}", "x" * 500)
            n += 1

    thread = threading.Thread(target=writer)
    thread.start()
    store = made.svc._access.runtime().store
    key = made.svc._access.key()
    try:
        seen: list[tuple[int, int]] = []
        info = made.svc.backup.create(tmp_path / f"busy{SUFFIX}",
                                      lambda done, total: seen.append((done, total)))
        copies = []
        for n in range(3):
            (tmp_path / f"copy{n}").mkdir()
            store.snapshot.copy_to(tmp_path / f"copy{n}" / "store.db", key)
            copies.append(tmp_path / f"copy{n}")
    finally:
        stop.set()
        thread.join()
    assert info.files >= 3
    inside = made.root / "ana" / f"inside{SUFFIX}"
    made.svc.backup.create(inside)
    try:
        assert made.svc.backup.create(tmp_path / f"after{SUFFIX}").files == info.files
    finally:
        inside.unlink()
    assert seen and seen[-1][0] == seen[-1][1] > 200_000           # the blob is in it
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    for folder in copies:
        assert sorted(p.name for p in folder.iterdir()) == ["store.db"]   # log folded in
        copy = Store.open(folder, key)
        try:
            assert copy.check_integrity() == []
            assert copy.settings.get("test.busy.0") == "x" * 500
        finally:
            copy.close()


def test_automatic_backups_are_off_by_default_then_keep_the_newest(made: Made,
                                                                   tmp_path: Path) -> None:
    svc = made.svc
    assert not svc.backup.automatic().enabled
    assert svc.backup.run_automatic() is None
    folder = tmp_path / "auto"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a backup")
    svc.backup.set_automatic(str(folder), every_hours=1, keep=2)
    now = svc._access.runtime().now()
    made_files = []
    for step in range(3):
        info = svc.backup.run_automatic(now + step * 3600 + 5)
        assert info is not None
        made_files.append(Path(info.path).name)
        assert svc.backup.run_automatic(now + step * 3600 + 10) is None   # not due yet
    kept = sorted(p.name for p in folder.iterdir())
    assert len([k for k in kept if k.endswith(SUFFIX)]) == 2 and "notes.txt" in kept
    assert svc.backup.automatic().last is not None
    svc.backup.set_automatic(None)
    assert not svc.backup.automatic().enabled


def test_the_schedule_runs_on_its_own_thread_and_a_restore_starts_it_off(
        made: Made, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backup_module, "SCHEDULE_CHECK_SECONDS", 0.05)
    svc = made.svc
    folder = tmp_path / "scheduled"
    folder.mkdir()
    svc.backup.set_automatic(str(folder), every_hours=24, keep=1)
    svc._access.runtime().store.settings.set(backup_module.LAST_SETTING, "")   # never made one
    svc.backup.start_schedule()
    try:
        deadline = time.monotonic() + 30
        while not list(folder.iterdir()) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        svc.backup.stop_schedule()
    made_now = list(folder.iterdir())
    assert len(made_now) == 1 and made_now[0].name.endswith(SUFFIX)
    restored = _restore(made, made_now[0], "from-schedule")
    try:
        assert not restored.backup.automatic().enabled
    finally:
        restored.close()
        svc.backup.set_automatic(None)


def test_prune_only_touches_what_the_schedule_named(tmp_path: Path) -> None:
    for name in ("coterie-20260101-000000", "coterie-20260102-000000", "mine"):
        (tmp_path / f"{name}{SUFFIX}").write_text("x")
    doomed = prune(tmp_path, 1)
    assert [p.name for p in doomed] == [f"coterie-20260101-000000{SUFFIX}"]
    assert (tmp_path / f"mine{SUFFIX}").exists()


def test_a_new_recovery_code_forgets_the_backup_key(tmp_path: Path) -> None:
    svc = Services(tmp_path / "cy", keyring_backend=MemoryKeyring())
    try:
        code = svc.profile.create("Cy")
        with pytest.raises(WrongCode):
            svc.backup.remember_code("0000-0000-0000-0000-0000-0000-0000-0000")
        svc.backup.remember_code(code)
        assert svc.backup.has_code()
        svc.profile.new_recovery_code()
        assert not svc.backup.has_code()
    finally:
        svc.close()
