"""The backup file: a header, then a libsodium secretstream of a small archive (docs/backup.md).

    header (76 bytes)
      magic     8   b"COTERIEB"
      version   2   u16 big-endian, 1
      kdf       1   1 = Argon2id (libsodium argon2id13)
      reserved  1   0
      opslimit  8   u64
      memlimit  8   u64
      salt     16
      created   8   u64 unix seconds
      stream   24   crypto_secretstream_xchacha20poly1305 header
    frames, until the one tagged FINAL:
      length    4   u32 ciphertext length (17 .. CHUNK + 17)
      ciphertext    secretstream push of up to CHUNK plaintext bytes; every frame's
                    additional data is the whole 76-byte header

The key is Argon2id(recovery code, salt, opslimit, memlimit). Parameters below MODERATE are
refused before any work is done, above 4 x SENSITIVE the file is called damaged (a planted
file must not ask for unbounded memory). Because the header is every frame's additional
data, an edited parameter, salt or date makes the first frame fail. A missing FINAL frame
(a truncated file) and bytes after it are errors.

The plaintext is a sequence of records, cut into frames regardless of record boundaries:

    1 MANIFEST  u32 length, UTF-8 JSON (what the backup holds, for the restore to check)
    2 FILE      u16 path length, path (UTF-8, '/'-separated, relative), u64 size, content
    3 END       nothing; must be the last record

This module knows nothing of profiles: it writes and reads that layout, chunk by chunk, so a
large profile never sits whole in memory. Every failure is a BackupError subclass.
"""
from __future__ import annotations

import json
import os
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, BinaryIO

from nacl import exceptions as nacl_exceptions
from nacl import pwhash
from nacl.bindings import (
    crypto_secretstream_xchacha20poly1305_ABYTES as ABYTES,
)
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

from app.errors import AppError
from app.i18n import _

MAGIC = b"COTERIEB"
VERSION = 1
KDF_ARGON2ID = 1
SALT_BYTES = pwhash.argon2id.SALTBYTES
KEY_BYTES = 32
CHUNK = 64 * 1024
OPSLIMIT_MIN = pwhash.argon2id.OPSLIMIT_MODERATE
MEMLIMIT_MIN = pwhash.argon2id.MEMLIMIT_MODERATE
OPSLIMIT_MAX = pwhash.argon2id.OPSLIMIT_SENSITIVE * 4
MEMLIMIT_MAX = pwhash.argon2id.MEMLIMIT_SENSITIVE * 4
_HEAD = struct.Struct(">8sHBBQQ16sQ24s")
HEADER_BYTES = _HEAD.size
REC_MANIFEST, REC_FILE, REC_END = 1, 2, 3
MAX_MANIFEST = 1 << 20
MAX_PATH = 512
MAX_DEPTH = 16

Progress = Callable[[int], None]   # called with the bytes done so far


class BackupError(AppError):
    """Root of backup errors; str() is one sentence for the user."""

    exit_code = 1


class WrongCode(BackupError):
    exit_code = 3   # like a wrong passphrase or recovery code anywhere else


class DamagedBackup(BackupError):
    pass


class WeakBackupParameters(BackupError):
    pass


class NewerBackup(BackupError):
    pass


def msg_damaged() -> str:
    return _("The backup file is damaged or incomplete; nothing was restored.")


def msg_wrong() -> str:
    return _("That recovery code does not open this backup (or the file was changed); "
             "nothing was restored.")


@dataclass(frozen=True)
class Header:
    opslimit: int
    memlimit: int
    salt: bytes
    created: int
    stream_header: bytes

    def encode(self) -> bytes:
        return _HEAD.pack(MAGIC, VERSION, KDF_ARGON2ID, 0, self.opslimit, self.memlimit,
                          self.salt, self.created, self.stream_header)

    @classmethod
    def decode(cls, raw: bytes) -> Header:
        if len(raw) < HEADER_BYTES:
            raise DamagedBackup(msg_damaged())
        magic, version, kdf, reserved, ops, mem, salt, created, sh = _HEAD.unpack(
            raw[:HEADER_BYTES])
        if magic != MAGIC:
            raise DamagedBackup(_("That file is not a Coterie backup; nothing was restored."))
        if version != VERSION:
            raise NewerBackup(_("That backup was written by a newer Coterie; update Coterie "
                                "to restore it."))
        if kdf != KDF_ARGON2ID or reserved != 0:
            raise DamagedBackup(msg_damaged())
        if ops < OPSLIMIT_MIN or mem < MEMLIMIT_MIN:
            raise WeakBackupParameters(_(
                "The backup asks for a weaker key derivation than Coterie accepts; it was "
                "refused and nothing was restored."))
        if ops > OPSLIMIT_MAX or mem > MEMLIMIT_MAX:
            raise DamagedBackup(msg_damaged())
        return cls(ops, mem, salt, created, sh)


def derive_key(secret: bytes, salt: bytes, opslimit: int, memlimit: int) -> bytes:
    """Argon2id of the canonical recovery-code bytes (seconds of work: never on the GUI thread)."""
    return pwhash.argon2id.kdf(KEY_BYTES, secret, salt, opslimit=opslimit, memlimit=memlimit)


# -- writing ---------------------------------------------------------------------------------------
class StreamWriter:
    """Encrypts what is written into frames of CHUNK bytes; `finish` writes the FINAL frame."""

    def __init__(self, out: BinaryIO, key: bytes, opslimit: int, memlimit: int, salt: bytes,
                 created: int) -> None:
        self._out = out
        self._state = crypto_secretstream_xchacha20poly1305_state()
        sh = crypto_secretstream_xchacha20poly1305_init_push(self._state, key)
        self._ad = Header(opslimit, memlimit, salt, created, sh).encode()
        out.write(self._ad)
        self._buf = bytearray()
        self.plain_bytes = 0

    def write(self, data: bytes) -> None:
        self._buf += data
        self.plain_bytes += len(data)
        while len(self._buf) > CHUNK:  # keep one chunk back: the last one is FINAL
            self._frame(bytes(self._buf[:CHUNK]), TAG_MESSAGE)
            del self._buf[:CHUNK]

    def _frame(self, plain: bytes, tag: int) -> None:
        ct = crypto_secretstream_xchacha20poly1305_push(self._state, plain, self._ad, tag)
        self._out.write(struct.pack(">I", len(ct)))
        self._out.write(ct)

    def finish(self) -> None:
        self._frame(bytes(self._buf), TAG_FINAL)
        self._buf.clear()


class ArchiveWriter:
    """Records over a StreamWriter."""

    def __init__(self, stream: StreamWriter) -> None:
        self._s = stream

    def manifest(self, doc: dict[str, Any]) -> None:
        raw = json.dumps(doc, sort_keys=True).encode()
        self._s.write(bytes([REC_MANIFEST]) + struct.pack(">I", len(raw)) + raw)

    def file(self, path: str, src: BinaryIO, size: int, progress: Progress | None = None) -> None:
        name = check_path(path).encode()
        self._s.write(bytes([REC_FILE]) + struct.pack(">H", len(name)) + name
                      + struct.pack(">Q", size))
        left = size
        while left:
            chunk = src.read(min(CHUNK, left))
            if not chunk:
                raise BackupError(_("The file {path} changed while it was being backed up; "
                                    "try again.").format(path=path))
            self._s.write(chunk)
            left -= len(chunk)
            if progress is not None:
                progress(self._s.plain_bytes)

    def end(self) -> None:
        self._s.write(bytes([REC_END]))
        self._s.finish()


# -- reading ---------------------------------------------------------------------------------------
class StreamReader:
    """Decrypts frames on demand; `read(n)` returns exactly n plaintext bytes or raises."""

    def __init__(self, src: BinaryIO, key: bytes, header: Header) -> None:
        self._src = src
        self._ad = header.encode()
        self._state = crypto_secretstream_xchacha20poly1305_state()
        crypto_secretstream_xchacha20poly1305_init_pull(self._state, header.stream_header, key)
        self._buf = bytearray()
        self._final = False
        self.frames = 0
        self.cipher_bytes = HEADER_BYTES

    def _next(self) -> None:
        if self._final:
            raise DamagedBackup(msg_damaged())
        head = self._src.read(4)
        if len(head) != 4:
            raise DamagedBackup(msg_damaged())
        (length,) = struct.unpack(">I", head)
        if not ABYTES <= length <= CHUNK + ABYTES:
            raise DamagedBackup(msg_damaged())
        ct = self._src.read(length)
        if len(ct) != length:
            raise DamagedBackup(msg_damaged())
        try:
            plain, tag = crypto_secretstream_xchacha20poly1305_pull(self._state, ct, self._ad)
        except nacl_exceptions.CryptoError:
            # The first frame failing is what a wrong code looks like (or an edited header).
            raise (WrongCode(msg_wrong()) if self.frames == 0
                   else DamagedBackup(msg_damaged())) from None
        self.frames += 1
        self.cipher_bytes += 4 + length
        if tag == TAG_FINAL:
            self._final = True
        elif tag != TAG_MESSAGE:
            raise DamagedBackup(msg_damaged())
        self._buf += plain

    def read(self, n: int) -> bytes:
        while len(self._buf) < n:
            self._next()
        out = bytes(self._buf[:n])
        del self._buf[:n]
        return out

    def close_check(self) -> None:
        """After END: the stream must be final, fully consumed, and the file must end."""
        if self._buf or not self._final or self._src.read(1):
            raise DamagedBackup(msg_damaged())


@dataclass(frozen=True)
class FileRecord:
    path: str
    size: int


def read_archive(stream: StreamReader, sink: Callable[[FileRecord], BinaryIO | None],
                 progress: Progress | None = None) -> dict[str, Any]:
    """Read every record; each FILE's content goes to the stream `sink` returns for it (which
    the caller closes). Returns the manifest."""
    manifest: dict[str, Any] | None = None
    seen: set[str] = set()
    while True:
        kind = stream.read(1)[0]
        if kind == REC_MANIFEST:
            if manifest is not None:
                raise DamagedBackup(msg_damaged())
            (length,) = struct.unpack(">I", stream.read(4))
            if length > MAX_MANIFEST:
                raise DamagedBackup(msg_damaged())
            try:
                manifest = json.loads(stream.read(length))
            except ValueError:
                raise DamagedBackup(msg_damaged()) from None
            if not isinstance(manifest, dict):
                raise DamagedBackup(msg_damaged())
        elif kind == REC_FILE:
            if manifest is None:
                raise DamagedBackup(msg_damaged())
            (length,) = struct.unpack(">H", stream.read(2))
            try:
                path = check_path(stream.read(length).decode("utf-8"))
            except (UnicodeDecodeError, BackupError):
                raise DamagedBackup(msg_damaged()) from None
            if path in seen:
                raise DamagedBackup(msg_damaged())
            seen.add(path)
            (size,) = struct.unpack(">Q", stream.read(8))
            out = sink(FileRecord(path, size))
            left = size
            while left:
                chunk = stream.read(min(CHUNK, left))
                if out is not None:
                    out.write(chunk)
                left -= len(chunk)
                if progress is not None:
                    progress(stream.cipher_bytes)
            if out is not None:
                out.flush()
        elif kind == REC_END:
            if manifest is None:
                raise DamagedBackup(msg_damaged())
            stream.close_check()
            return manifest
        else:
            raise DamagedBackup(msg_damaged())


def check_path(path: str) -> str:
    """A relative '/'-separated path with plain parts (no '..', '.', empty, absolute, '\\')."""
    parts = path.split("/")
    if (not path or len(path.encode()) > MAX_PATH or len(parts) > MAX_DEPTH
            or any(p in ("", ".", "..") for p in parts)
            or any(c in path for c in "\\\x00") or any(ord(c) < 32 for c in path)
            or PurePosixPath(path).is_absolute() or ":" in parts[0]):
        raise DamagedBackup(msg_damaged())
    return path


def walk_files(root: os.PathLike[str] | str, skip: Callable[[str], bool]) -> Iterator[tuple[str, str]]:
    """(relative posix path, absolute path) of every regular file under root, sorted; symlinks,
    sockets and whatever `skip(relative)` refuses are left out."""
    base = os.fspath(root)
    for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
        rel_dir = os.path.relpath(dirpath, base)
        rel_dir = "" if rel_dir == "." else rel_dir.replace(os.sep, "/")
        dirnames[:] = sorted(d for d in dirnames
                             if not os.path.islink(os.path.join(dirpath, d))
                             and not skip(f"{rel_dir}/{d}" if rel_dir else d))
        for name in sorted(filenames):
            rel = f"{rel_dir}/{name}" if rel_dir else name
            full = os.path.join(dirpath, name)
            if skip(rel) or os.path.islink(full) or not os.path.isfile(full):
                continue
            yield rel, full
