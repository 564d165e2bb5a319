"""The store copy sent to a newly linked device, packed into one byte string and unpacked.

The linking device (app/devices.py) snapshots its store, makes the copy for the new device
(app/store/device_copy.py: its own group states, indexes dropped, full-text search emptied,
compacted, re-encrypted under a one-time key) and packs it here with the profile's files and
a manifest; the new device unpacks it into a private folder, each path checked, before it
re-encrypts the copy under its own store key.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
from pathlib import Path

import crypto
from app.access import (
    CERT_SETTING,
    FIRST_NAME_SETTING,
    MEMBER_SETTING,
    NAME_SETTING,
    Access,
)
from app.backup_format import walk_files
from app.device_link_channel import LinkFailed, Progress, tampered
from app.file_names import CACHE_DIR
from app.i18n import _
from app.keys import KEY_FILE
from app.profile import private_dir
from app.store import DB_NAME, device_copy, latest_version
from crypto.devices import DeviceCert

FORMAT = "coterie-link"
_SIDE = ("-wal", "-shm", "-journal")


class _PublicDevice:
    """The new device's public key where a group state needs only `ik`."""

    def __init__(self, ik: bytes) -> None:
        self.ik = ik


def pack(access: Access, cert: DeviceCert, progress: Progress | None,
         history: bool = True) -> bytes:
    """The store copy and files the new device `cert` starts from, as one byte string
    (without `history`: no past posts, and none of the files' blobs)."""
    rt = access.runtime()
    profile = access.profile_dir
    tmp = private_dir(profile / f".link-{secrets.token_hex(6)}")
    try:
        snap = tmp / DB_NAME
        db_key = secrets.token_bytes(32)
        with rt.lock:
            rt.store.snapshot.copy_to(snap, access.key())
            states = {g.id: rt.session(g.id).for_device(_PublicDevice(cert.device_pk),  # type: ignore[arg-type]
                                                        rt.rng)
                      for g in rt.store.groups.all_groups()}
        placeholder = crypto.Identity.generate(rt.now(), rt.rng).to_bytes()
        device_copy.prepare(snap, access.key(), db_key, placeholder, states,
                            {MEMBER_SETTING: rt.me.hex(), CERT_SETTING: cert.to_bytes().hex(),
                             NAME_SETTING: cert.name,
                             FIRST_NAME_SETTING: rt.store.settings.get(
                                 FIRST_NAME_SETTING if rt.linked_device else NAME_SETTING)
                             or ""}, history=history)
        skip = _skip_for_link if history else _skip_history
        files = [(DB_NAME, snap)] + [
            (rel, Path(full)) for rel, full in walk_files(profile, skip)]
        manifest = {"format": FORMAT, "version": 1, "store_schema": latest_version(),
                    "db_key": db_key.hex(), "name": rt.display_name,
                    "files": [{"path": rel, "size": p.stat().st_size} for rel, p in files]}
        head = json.dumps(manifest).encode("utf-8")
        total = sum(f["size"] for f in manifest["files"])
        parts = [len(head).to_bytes(4, "big"), head]
        done = 0
        for _rel, p in files:
            data = p.read_bytes()
            parts.append(data)
            done += len(data)
            if progress is not None:
                progress(done, total)
        return b"".join(parts)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _skip_for_link(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return (rel == KEY_FILE or rel == DB_NAME
            or (rel.startswith(DB_NAME) and rel[len(DB_NAME):] in _SIDE)
            or name.startswith((".link-", ".snapshot-", ".restoring-")) or name.endswith(".part")
            or rel.split("/", 1)[0].startswith(".link-"))


def _skip_history(rel: str) -> bool:
    return _skip_for_link(rel) or rel.split("/", 1)[0] == CACHE_DIR


def unpack(payload: bytes, tmp: Path) -> dict:  # type: ignore[type-arg]
    """Write the files of a packed copy into `tmp` (new, private); its manifest. Anything
    that does not add up, or a path leaving `tmp`, is tampering."""
    try:
        n = int.from_bytes(payload[:4], "big")
        manifest = json.loads(payload[4:4 + n].decode("utf-8"))
        pos = 4 + n
        if manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), list):
            raise ValueError
        if int(manifest.get("store_schema", 0)) > latest_version():
            raise LinkFailed(_("The other device runs a newer Coterie; update Coterie here "
                               "first."))
        for entry in manifest["files"]:
            rel, size = str(entry["path"]), int(entry["size"])
            parts = rel.split("/")
            if not rel or any(p in ("", ".", "..") for p in parts) or "\\" in rel:
                raise ValueError
            path = tmp.joinpath(*parts)
            for parent in reversed(path.relative_to(tmp).parents):
                if str(parent) != ".":
                    private_dir(tmp / parent)
            data = payload[pos:pos + size]
            if len(data) != size:
                raise ValueError
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            pos += size
        if pos != len(payload) or not (tmp / DB_NAME).is_file():
            raise ValueError
        bytes.fromhex(manifest["db_key"])
        return manifest
    except LinkFailed:
        raise
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, OSError):
        raise tampered() from None
