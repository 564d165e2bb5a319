"""Encrypted backups of a whole profile, restore on a new machine, automatic backups:
`Services.backup` (file format: app/backup_format.py, docs/backup.md).

What a backup holds. Every regular file under the profile folder (the wrapped key file, any
cache or blob folder a capability keeps there), with the SQLCipher store replaced by a
consistent snapshot of its encrypted pages (app/store/snapshot.py) taken while the app runs. Nothing
is listed by hand: a capability that adds tables or files is backed up without a change here.

The key. Argon2id of the recovery code. The code is shown only once, so the first backup asks
for it; its derived key (with its salt and parameters) is then kept inside the encrypted
store, so automatic backups need nothing typed. A new recovery code forgets it (the next
backup asks for the new code). Files made before stay readable with the code they were made
under.

Restore. Into a folder with no profile in it, through a temporary sibling folder that is
moved into place only once everything checked out: a wrong code, a damaged or truncated
file, or an unreachable relay leave nothing behind. Before the move the restored profile
reads everything its relays hold since the backup (pushing its outbox first, sealing nothing
new): whatever the old machine sent in the member's name after the backup is read, its posts
appear as the member's own, and the member's own sender chains step past every place in
their history already used (crypto/receive.py `_own_echo`). Then it becomes a new device of
the same member (app/device_restore.py, protocol §16.8): its own device key and chains, so
it never seals where the old machine does, and the old machine keeps working beside it
until it is revoked.

Never call these methods on the GUI thread: each backup or restore runs Argon2id and reads or
writes the whole profile.
"""
from __future__ import annotations

import json
import logging
import os
import re
import secrets
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from keyring.backend import KeyringBackend

import crypto
from app.access import Access
from app.backup_format import (
    HEADER_BYTES,
    MEMLIMIT_MIN,
    OPSLIMIT_MIN,
    SALT_BYTES,
    ArchiveWriter,
    BackupError,
    DamagedBackup,
    FileRecord,
    Header,
    NewerBackup,
    Progress,
    StreamReader,
    StreamWriter,
    WrongCode,
    derive_key,
    read_archive,
    walk_files,
)
from app.device_restore import become_device, default_name, start_device, warnings_mark
from app.errors import InvalidInput, ProfileError, RelayUnavailable
from app.events import EventHub
from app.i18n import _
from app.keys import BACKUP_KEY_SETTING as KEY_SETTING
from app.keys import KEY_FILE, KeyStore, WrongSecret, recovery_secret
from app.profile import ENV_RECOVERY, private_dir
from app.store import DB_NAME, latest_version

log = logging.getLogger(__name__)

SUFFIX = ".coterie-backup"
AUTO_SETTING = "backup.auto"        # {"folder", "every_hours", "keep"}; "" when off
LAST_SETTING = "backup.last"        # unix time of the last automatic backup
ERROR_SETTING = "backup.error"      # the last automatic backup's failure, one sentence
MANIFEST_FORMAT = "coterie-backup"
CATCH_UP_TIMEOUT = 60.0
SCHEDULE_CHECK_SECONDS = 60.0
MAX_KEEP = 1000
_AUTO_NAME = re.compile(r"^coterie-\d{8}-\d{6}(-\d+)?" + re.escape(SUFFIX) + r"$")
# What the profile folder holds that is not copied as is: the live store (a snapshot goes in
# its place), SQLite's side files, and half-written temporary files.
_SIDE = ("-wal", "-shm", "-journal")
Progress2 = Callable[[int, int], None]   # (bytes done, bytes in all)


@dataclass(frozen=True)
class BackupInfo:
    path: str
    size: int          # bytes of the backup file
    files: int         # files in it, the store snapshot included
    created: int


@dataclass(frozen=True)
class RestoreInfo:
    name: str
    fingerprint: str
    groups: int
    created: int       # when the backup was made
    caught_up: bool    # every relay was read after the restore


@dataclass(frozen=True)
class AutoBackup:
    enabled: bool
    folder: str
    every_hours: int
    keep: int
    last: int | None
    error: str


def _skip(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return (rel == DB_NAME or (rel.startswith(DB_NAME) and rel[len(DB_NAME):] in _SIDE)
            or name.endswith(".tmp") or name.startswith(".snapshot-")
            or name.startswith(".restoring-") or name.endswith(".part")
            or name.endswith(SUFFIX))   # a backup saved inside the profile is not backed up


def _fsync(fd: int) -> None:
    try:
        os.fsync(fd)
    except OSError:
        pass


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        _fsync(fd)
    finally:
        os.close(fd)


class BackupService:
    """Backups of this profile, restore into this (empty) profile folder, the schedule."""

    def __init__(self, access: Access, keyring_backend: KeyringBackend | None) -> None:
        self._access = access
        self._keyring_backend = keyring_backend
        self._lock = threading.Lock()          # one backup at a time
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- the backup key ---------------------------------------------------------------------------
    def has_code(self) -> bool:
        """True when backups can be made without typing the recovery code."""
        return bool(self._access.runtime().store.settings.get(KEY_SETTING))

    def remember_code(self, code: str) -> None:
        """Check the recovery code against this profile and keep the backup key derived from
        it (inside the encrypted store). Two Argon2id runs."""
        rt = self._access.runtime()
        try:
            self._access.keys.check_recovery(code)
        except WrongSecret:
            raise WrongCode(_("That recovery code is not this profile's; nothing was changed.")) from None
        salt = secrets.token_bytes(SALT_BYTES)
        key = derive_key(recovery_secret(code), salt, OPSLIMIT_MIN, MEMLIMIT_MIN)
        rt.store.settings.set(KEY_SETTING, json.dumps(
            {"salt": salt.hex(), "opslimit": OPSLIMIT_MIN, "memlimit": MEMLIMIT_MIN,
             "key": key.hex()}))

    def forget_code(self) -> None:
        """After a new recovery code: the next backup asks for it."""
        self._access.runtime().store.settings.set(KEY_SETTING, "")

    def _backup_key(self) -> tuple[bytes, bytes, int, int]:
        raw = self._access.runtime().store.settings.get(KEY_SETTING)
        if not raw:
            raise BackupError(_("Enter your recovery code once so backups can be made "
                                "(or set {variable}).").format(variable=ENV_RECOVERY))
        doc = json.loads(raw)
        return (bytes.fromhex(doc["key"]), bytes.fromhex(doc["salt"]), int(doc["opslimit"]),
                int(doc["memlimit"]))

    # -- making one -------------------------------------------------------------------------------
    def create(self, dest: str | os.PathLike[str], progress: Progress2 | None = None,
               *, replace: bool = False) -> BackupInfo:
        """Write a backup of the whole profile to `dest` (atomically; an existing file is
        refused unless `replace`). `progress(done, total)` gets the bytes copied so far and
        the bytes to copy, from this thread."""
        with self._lock:
            return self._create(Path(dest), progress, replace)

    def _create(self, dest: Path, progress: Progress2 | None, replace: bool) -> BackupInfo:
        rt = self._access.runtime()
        key, salt, ops, mem = self._backup_key()
        dest = dest.expanduser()
        if dest.exists() and (not replace or dest.is_dir()):
            raise InvalidInput(_("{path} already exists; choose another file name.").format(path=dest))
        if not dest.parent.is_dir():
            raise InvalidInput(_("The folder {path} does not exist.").format(path=dest.parent))
        profile = self._access.profile_dir
        snap = profile / f".snapshot-{secrets.token_hex(8)}.db"
        part = dest.with_name(f".{dest.name}.{secrets.token_hex(4)}.part")
        now = rt.now()
        try:
            rt.store.snapshot.copy_to(snap, self._access.key())
            files = [(DB_NAME, str(snap))]
            auto = self.automatic()
            files += [(rel, full) for rel, full in walk_files(profile, _skip)
                      if not (auto.enabled and _inside(Path(full), Path(auto.folder)))]
            sizes = {rel: os.stat(full).st_size for rel, full in files}
            if KEY_FILE not in sizes:
                raise ProfileError(_("This profile has no key file; it cannot be backed up."))
            manifest = {"format": MANIFEST_FORMAT, "version": 1, "created": now,
                        "store_schema": latest_version(), "name": rt.display_name,
                        "fingerprint": crypto.fingerprint(rt.me),
                        "groups": len(rt.store.groups.all_groups()),
                        "files": [{"path": rel, "size": sizes[rel]} for rel, _ in files]}
            total = sum(sizes.values())
            step = None if progress is None else (lambda done: progress(min(done, total), total))
            fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                writer = StreamWriter(out, key, ops, mem, salt, now)
                archive = ArchiveWriter(writer)
                archive.manifest(manifest)
                for rel, full in files:
                    with open(full, "rb") as src:
                        archive.file(rel, src, sizes[rel], step)
                archive.end()
                out.flush()
                _fsync(out.fileno())
            os.replace(part, dest)
            _fsync_dir(dest.parent)
        finally:
            for leftover in (snap, part):
                try:
                    leftover.unlink()
                except FileNotFoundError:
                    pass
        return BackupInfo(str(dest), dest.stat().st_size, len(files), now)

    # -- automatic backups ------------------------------------------------------------------------
    def automatic(self) -> AutoBackup:
        store = self._access.runtime().store
        raw = store.settings.get(AUTO_SETTING) or ""
        last = store.settings.get(LAST_SETTING)
        error = store.settings.get(ERROR_SETTING) or ""
        if not raw:
            return AutoBackup(False, "", 24, 7, int(last) if last else None, error)
        doc = json.loads(raw)
        return AutoBackup(True, doc["folder"], int(doc["every_hours"]), int(doc["keep"]),
                          int(last) if last else None, error)

    def set_automatic(self, folder: str | None, every_hours: int = 24, keep: int = 7) -> AutoBackup:
        """Turn automatic backups on (into `folder`, every `every_hours`, keeping the newest
        `keep`) or off (folder None). Needs the recovery code remembered (remember_code)."""
        store = self._access.runtime().store
        if folder is None:
            store.settings.set(AUTO_SETTING, "")
            return self.automatic()
        if not 1 <= every_hours <= 24 * 365:
            raise InvalidInput(_("Back up at least once a year and at most once an hour."))
        if not 1 <= keep <= MAX_KEEP:
            raise InvalidInput(_("Keep between 1 and {count} backups.").format(count=MAX_KEEP))
        path = Path(folder).expanduser()
        if not path.is_absolute():
            raise InvalidInput(_("Choose the backup folder by its full path."))
        if not path.is_dir():
            raise InvalidInput(_("The folder {path} does not exist.").format(path=path))
        if not self.has_code():
            raise BackupError(_("Enter your recovery code once so backups can be made "
                                "(or set {variable}).").format(variable=ENV_RECOVERY))
        store.settings.set(AUTO_SETTING, json.dumps(
            {"folder": str(path), "every_hours": every_hours, "keep": keep}))
        self._stop.clear()
        return self.automatic()

    def due(self, now: int | None = None) -> bool:
        auto = self.automatic()
        now = self._access.runtime().now() if now is None else now
        return auto.enabled and (auto.last is None or now - auto.last >= auto.every_hours * 3600)

    def run_automatic(self, now: int | None = None) -> BackupInfo | None:
        """Make the scheduled backup if one is due, then keep only the newest N; None when
        none was due. A failure is kept as one sentence (AutoBackup.error) and raised."""
        if not self.due(now):
            return None
        rt = self._access.runtime()
        now = rt.now() if now is None else now
        auto = self.automatic()
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(now))
        folder = Path(auto.folder)
        dest = folder / f"coterie-{stamp}{SUFFIX}"
        n = 1
        while dest.exists():
            dest = folder / f"coterie-{stamp}-{n}{SUFFIX}"
            n += 1
        try:
            info = self.create(dest)
        except (BackupError, InvalidInput, ProfileError, OSError) as exc:
            text = str(exc) if not isinstance(exc, OSError) else (
                _("The automatic backup could not be written to {folder} ({reason}).").format(
                    folder=folder, reason=exc.strerror or type(exc).__name__))
            rt.store.settings.set(ERROR_SETTING, text)
            raise
        rt.store.settings.set(LAST_SETTING, str(now))
        rt.store.settings.set(ERROR_SETTING, "")
        prune(folder, auto.keep)
        return info

    def start_schedule(self) -> None:
        """Check every minute, on a thread of its own, whether an automatic backup is due."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="coterie-backups", daemon=True)
        self._thread.start()

    def stop_schedule(self) -> None:
        thread, self._thread = self._thread, None
        self._stop.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join(10)

    def _loop(self) -> None:
        while not self._stop.wait(SCHEDULE_CHECK_SECONDS):
            try:
                self.run_automatic()
            except ProfileError:
                return  # locked or closed: the schedule ends with the session
            except Exception:  # noqa: BLE001 - kept in AutoBackup.error; retried next round
                log.warning("automatic backup failed")

    # -- restoring --------------------------------------------------------------------------------
    def restore(self, source: str | os.PathLike[str], code: str, new_passphrase: str | None,
                progress: Progress2 | None = None, *,
                clock: Callable[[], float] = time.time,
                timeout: float = CATCH_UP_TIMEOUT, device_name: str | None = None) -> RestoreInfo:
        """Restore a backup into this profile's folder (which must hold no profile), protect
        the key with `new_passphrase` (None: the OS keyring), read every relay, then move it
        into place and unlock it. Nothing is written unless all of it succeeded.
        `progress(done, total)` gets the bytes of the file read so far and its size."""
        target = self._access.profile_dir
        if self._access.unlocked or has_profile(target):
            raise ProfileError(_("There is already a profile in {path}; restore into a new "
                                 "folder (--profile).").format(path=target))
        if new_passphrase is not None and not new_passphrase:
            raise InvalidInput(_("The passphrase cannot be empty."))
        if new_passphrase is None and not KeyStore.keyring_usable(self._keyring_backend):
            raise ProfileError(_("No secure OS keyring is available; choose a passphrase for "
                                 "the restored profile."))
        try:
            secret = recovery_secret(code)
        except WrongSecret:
            raise WrongCode(_("That is not a recovery code; nothing was restored.")) from None
        src = Path(source).expanduser()
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.parent / f".restoring-{target.name}-{secrets.token_hex(6)}"
        os.mkdir(tmp, 0o700)
        try:
            size = src.stat().st_size if src.is_file() else 0
            step = None if progress is None else (lambda done: progress(min(done, size), size))
            manifest, created = _unpack(src, secret, tmp, step)
            keys = KeyStore(tmp, self._keyring_backend)
            try:
                key = keys.unlock_with_recovery(code, new_passphrase)
            except WrongSecret:
                raise WrongCode(_("That recovery code opens the backup but not the profile "
                                  "in it; nothing was restored.")) from None
            caught_up = _catch_up(tmp, keys, key, clock, timeout,
                                  device_name or default_name())
            if target.exists():
                target.rmdir()
            os.replace(tmp, target)
            _fsync_dir(target.parent)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        with self._access.guard:
            self._access.open(key)
        # The schedule named a folder of the old machine (or one it still writes to and
        # prunes): the restored profile starts with automatic backups off.
        self.set_automatic(None)
        rt = self._access.runtime()
        return RestoreInfo(rt.display_name, crypto.fingerprint(rt.me),
                           int(manifest.get("groups", 0)), created, caught_up)


def has_profile(path: Path) -> bool:
    """True when `path` holds anything (a restore or a link needs an empty folder)."""
    if not path.exists():
        return False
    if not path.is_dir():
        return True
    return any(path.iterdir())


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except (ValueError, OSError):
        return False


def _unpack(src: Path, secret: bytes, tmp: Path, progress: Progress | None) -> tuple[dict[str, Any], int]:
    try:
        fh = open(src, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise InvalidInput(_("The backup file {path} cannot be read ({reason}).").format(
            path=src, reason=exc.strerror or type(exc).__name__)) from None
    opened: list[BinaryIO] = []

    def sink(rec: FileRecord) -> BinaryIO:
        while opened:
            opened.pop().close()
        path = tmp.joinpath(*rec.path.split("/"))
        for parent in reversed(path.relative_to(tmp).parents):
            if str(parent) != ".":
                private_dir(tmp / parent)
        out = os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")
        opened.append(out)
        return out

    with fh:
        header = Header.decode(fh.read(HEADER_BYTES))
        key = derive_key(secret, header.salt, header.opslimit, header.memlimit)
        try:
            manifest = read_archive(StreamReader(fh, key, header), sink, progress)
        finally:
            while opened:
                opened.pop().close()
    if manifest.get("format") != MANIFEST_FORMAT:
        raise DamagedBackup(_("The backup file is damaged or incomplete; nothing was restored."))
    schema = manifest.get("store_schema")
    if not isinstance(schema, int) or schema > latest_version():
        raise NewerBackup(_("That backup was written by a newer Coterie; update Coterie to "
                            "restore it."))
    listed = manifest.get("files")
    if not isinstance(listed, list):
        raise DamagedBackup(_("The backup file is damaged or incomplete; nothing was restored."))
    for entry in listed:
        path = tmp.joinpath(*str(entry.get("path", "")).split("/"))
        if not path.is_file() or path.stat().st_size != entry.get("size"):
            raise DamagedBackup(_("The backup file is damaged or incomplete; nothing was restored."))
    if not (tmp / DB_NAME).is_file() or not (tmp / KEY_FILE).is_file():
        raise DamagedBackup(_("The backup file is damaged or incomplete; nothing was restored."))
    return manifest, header.created


def _catch_up(folder: Path, keys: KeyStore, key: bytes, clock: Callable[[], float],
              timeout: float, device_name: str) -> bool:
    """Open the restored profile where it lies and read every relay it uses (see the module
    docstring); RelayUnavailable when one cannot be reached."""
    access = Access(folder, keys, EventHub(), clock, os.urandom)
    try:
        access.open(key)
        mark = warnings_mark(access)
        unreachable = access.syncer().catch_up(timeout)
        if unreachable:
            raise RelayUnavailable(
                _("{relays} could not be reached: a restore reads what was posted since the "
                  "backup before it finishes, so it never reuses your place in a conversation. "
                  "Nothing was restored; try again when the relay is reachable.").format(
                    relays=", ".join(unreachable)))
        # a new device of the same member (app/device_restore.py): fresh chains of its own
        cert = become_device(access, device_name, mark)
        if cert is not None:
            access.close()
            access.open(key)
            start_device(access, timeout, cert)
    finally:
        access.close()
    return True


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` automatic backups in `folder` (only files named as
    the schedule names them); returns what was deleted."""
    mine = sorted((p for p in folder.iterdir() if _AUTO_NAME.match(p.name) and p.is_file()),
                  key=lambda p: p.name)
    doomed = mine[:-keep] if keep else mine
    for p in doomed:
        try:
            p.unlink()
        except OSError:
            pass
    return doomed
