"""The store key: where it lives and how a member gets it back.

The database key is 32 random bytes, handed to SQLCipher as a raw key. It is never written
in the clear. It lives either

- in the OS keyring, when the backend is a real one (macOS Keychain, Windows Credential
  Locker, Secret Service, KWallet); the `fail` and `null` backends and every `keyrings.alt`
  backend (plaintext or home-made files) are refused, and so is a chainer made only of
  those; or
- wrapped under a passphrase: Argon2id (libsodium `argon2id13`, MODERATE or stronger) turns
  the passphrase into a key for XChaCha20-Poly1305. The Argon2id parameters, the salt, the
  wrap kind and the profile's key id are the AEAD's additional data, so editing them breaks
  the wrap, and parameters below MODERATE are refused before any work is done.

A recovery code, made at set-up and returned once, wraps the key the same way. With it a
member whose keyring entry vanished, or who forgot the passphrase, gets the key back and
protects it again (a new passphrase, or the keyring).

The wrap file is `<profile>/key.json`. It holds: the mode, a random key id (the keyring
entry's name), a keyed BLAKE2b check value (to tell a wrong keyring entry from a damaged
database; it does not reveal the key) and the wraps. It is replaced atomically, and only
after a secret has been checked: a wrong passphrase or code changes nothing.

Never call these methods on the GUI thread: one Argon2id run takes about a second and
256 MiB.
"""
from __future__ import annotations

import base64
import json
import os
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from nacl import exceptions as nacl_exceptions
from nacl import pwhash
from nacl.bindings import (
    crypto_aead_xchacha20poly1305_ietf_decrypt,
    crypto_aead_xchacha20poly1305_ietf_encrypt,
)
from nacl.encoding import RawEncoder
from nacl.hash import blake2b

from app.errors import ProfileError
from app.i18n import _
from app.profile import private_dir

KEY_FILE = "key.json"
# The setting keeping the backup key derived from the recovery code, inside the encrypted
# store only (app/backup.py); a new recovery code clears it.
BACKUP_KEY_SETTING = "backup.key"
KEY_BYTES = 32
KEYRING_SERVICE = "coterie"
OPSLIMIT_MIN = pwhash.argon2id.OPSLIMIT_MODERATE
MEMLIMIT_MIN = pwhash.argon2id.MEMLIMIT_MODERATE
# Beyond these a wrap file is treated as damaged rather than run (a planted file could
# otherwise ask for unbounded memory).
OPSLIMIT_MAX = pwhash.argon2id.OPSLIMIT_SENSITIVE * 4
MEMLIMIT_MAX = pwhash.argon2id.MEMLIMIT_SENSITIVE * 4

_FORMAT = "coterie-key-wrap"
_VERSION = 1
_AD_LABEL = b"coterie key wrap v1\x00"
_CHECK_PERSON = b"coterie-keycheck"
# Crockford base32: no I, L, O, U, so a code read aloud or copied by hand survives.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_RECOVERY_BYTES = 20
_RECOVERY_CHARS = _RECOVERY_BYTES * 8 // 5
_REFUSED_MODULES = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")

Mode = Literal["keyring", "passphrase"]
WrapKind = Literal["passphrase", "recovery"]


class KeysError(ProfileError):
    """Root of key-management errors; the message is one sentence for the user."""


class WrongSecret(KeysError):
    pass


class KeyringUnavailable(KeysError):
    pass


class KeyringEntryMissing(KeysError):
    pass


class WeakParameters(KeysError):
    pass


class KeyFileError(KeysError):
    pass


@dataclass(frozen=True)
class KeyInfo:
    mode: Mode
    keyring: bool        # the key sits in the OS keyring
    passphrase: bool     # a passphrase wrap exists
    recovery: bool       # a recovery-code wrap exists


@dataclass(frozen=True, repr=False)
class Setup:
    key: bytes
    recovery_code: str
    mode: Mode

    def __repr__(self) -> str:  # never print the key or the code
        return f"Setup(mode={self.mode!r})"


def _refused(backend: KeyringBackend) -> bool:
    module = type(backend).__module__
    return (isinstance(backend, fail.Keyring | null.Keyring)
            or any(module == m or module.startswith(m + ".") for m in _REFUSED_MODULES))


def real_backend(backend: KeyringBackend | None = None) -> KeyringBackend | None:
    """The keyring backend to keep the key in, or None when no real one is available.

    A chainer is looked into: its first acceptable member is used directly, so the key never
    lands in a plaintext member that happens to rank higher.
    """
    backend = keyring.get_keyring() if backend is None else backend
    if isinstance(backend, chainer.ChainerBackend):
        for member in backend.backends:
            found = real_backend(member)
            if found is not None:
                return found
        return None
    return None if _refused(backend) else backend


class KeyStore:
    """The store key of one profile directory (see the module docstring)."""

    def __init__(self, profile_dir: Path, backend: KeyringBackend | None = None, *,
                 opslimit: int = OPSLIMIT_MIN, memlimit: int = MEMLIMIT_MIN) -> None:
        if opslimit < OPSLIMIT_MIN or memlimit < MEMLIMIT_MIN:
            raise ValueError(_("Argon2id parameters below MODERATE are not allowed"))
        self._dir = Path(profile_dir)
        self._backend = backend
        self._opslimit = opslimit
        self._memlimit = memlimit

    @property
    def path(self) -> Path:
        return self._dir / KEY_FILE

    @staticmethod
    def keyring_usable(backend: KeyringBackend | None = None) -> bool:
        """True when a real OS keyring can hold the key."""
        return real_backend(backend) is not None

    def exists(self) -> bool:
        return self.path.exists()

    def info(self) -> KeyInfo:
        doc = self._load()
        wraps = doc["wraps"]
        return KeyInfo(doc["mode"], doc["mode"] == "keyring", "passphrase" in wraps,
                       "recovery" in wraps)

    # -- set-up -------------------------------------------------------------------------------
    def setup(self, passphrase: str | None) -> Setup:
        """Make a new key; protect it with the keyring (passphrase None) or the passphrase.

        Returns the key and the recovery code; show the code once, it is not kept anywhere.
        """
        if self.exists():
            raise KeysError(_("This profile already has a store key."))
        backend = self._keyring_or_raise() if passphrase is None else None
        key = secrets.token_bytes(KEY_BYTES)
        key_id = secrets.token_bytes(16)
        code = _new_recovery_code()
        wraps = {"recovery": self._wrap(key, key_id, "recovery", _recovery_secret(code))}
        if passphrase is not None:
            wraps["passphrase"] = self._wrap(key, key_id, "passphrase", _passphrase_secret(passphrase))
            mode: Mode = "passphrase"
        else:
            assert backend is not None
            self._keyring_put(backend, key_id, key)
            mode = "keyring"
        private_dir(self._dir)
        self._save(_document(mode, key_id, key, wraps))
        return Setup(key=key, recovery_code=code, mode=mode)

    def discard(self) -> None:
        """Undo `setup` for a profile folder that is being thrown away: forget its keyring
        entry (the folder itself is the caller's to remove)."""
        try:
            doc = self._load()
            if doc["mode"] == "keyring":
                self._keyring_forget(_b64d(doc["key_id"]))
        except (KeysError, OSError, KeyError, ValueError):
            pass

    # -- unlocking ----------------------------------------------------------------------------
    def unlock(self, passphrase: str | None = None) -> bytes:
        """The key, from the keyring (keyring mode) or from the passphrase (passphrase mode)."""
        doc = self._load()
        key_id = _b64d(doc["key_id"])
        if doc["mode"] == "keyring":
            backend = real_backend(self._backend)
            if backend is None:
                raise KeyringUnavailable(
                    _("No usable OS keyring is available; unlock with your recovery code."))
            key = self._keyring_get(backend, key_id)
            if key is None or not _check_matches(doc, key):
                raise KeyringEntryMissing(
                    _("The store key is missing from the OS keyring; unlock with your recovery code."))
            return key
        if passphrase is None:
            raise KeysError(_("This profile is protected by a passphrase; enter it to unlock."))
        return self._unwrap(doc, "passphrase", _passphrase_secret(passphrase))

    def unlock_with_recovery(self, code: str, new_passphrase: str | None) -> bytes:
        """The key from the recovery code, then protected again by new_passphrase or keyring."""
        doc = self._load()
        if new_passphrase is None:
            self._keyring_or_raise()
        else:
            _passphrase_secret(new_passphrase)
        secret = _recovery_secret(code)
        key = self._unwrap(doc, "recovery", secret)
        self.change_passphrase(key, new_passphrase)
        return key

    def check_recovery(self, code: str) -> bytes:
        """The key from the recovery code, changing nothing (WrongSecret when it is not it)."""
        return self._unwrap(self._load(), "recovery", _recovery_secret(code))

    # -- changing protection ------------------------------------------------------------------
    def change_passphrase(self, key: bytes, new_passphrase: str | None) -> None:
        """Protect the (unlocked) key with a new passphrase, or with the keyring when None.

        Moving to a passphrase deletes the keyring entry; moving to the keyring removes the
        passphrase wrap. The recovery wrap is kept.
        """
        doc = self._load()
        if not _check_matches(doc, key):
            raise KeysError(_("That key does not belong to this profile."))
        key_id = _b64d(doc["key_id"])
        wraps = dict(doc["wraps"])
        if new_passphrase is None:
            backend = self._keyring_or_raise()
            self._keyring_put(backend, key_id, key)
            wraps.pop("passphrase", None)
            self._save(_document("keyring", key_id, key, wraps))
            return
        wraps["passphrase"] = self._wrap(key, key_id, "passphrase",
                                         _passphrase_secret(new_passphrase))
        was_keyring = doc["mode"] == "keyring"
        self._save(_document("passphrase", key_id, key, wraps))
        if was_keyring:
            self._keyring_forget(key_id)

    def new_recovery_code(self, key: bytes) -> str:
        """Replace the recovery code (the old one stops working); returns the new one."""
        doc = self._load()
        if not _check_matches(doc, key):
            raise KeysError(_("That key does not belong to this profile."))
        key_id = _b64d(doc["key_id"])
        code = _new_recovery_code()
        wraps = dict(doc["wraps"])
        wraps["recovery"] = self._wrap(key, key_id, "recovery", _recovery_secret(code))
        self._save(_document(doc["mode"], key_id, key, wraps))
        return code

    # -- wraps --------------------------------------------------------------------------------
    def _wrap(self, key: bytes, key_id: bytes, kind: WrapKind, secret: bytes) -> dict[str, Any]:
        salt = secrets.token_bytes(pwhash.argon2id.SALTBYTES)
        nonce = secrets.token_bytes(24)
        kek = pwhash.argon2id.kdf(KEY_BYTES, secret, salt, opslimit=self._opslimit,
                                  memlimit=self._memlimit)
        ad = _ad(kind, key_id, self._opslimit, self._memlimit, salt)
        ct = crypto_aead_xchacha20poly1305_ietf_encrypt(key, ad, nonce, kek)
        return {"kdf": "argon2id13", "opslimit": self._opslimit, "memlimit": self._memlimit,
                "salt": _b64e(salt), "nonce": _b64e(nonce), "ct": _b64e(ct)}

    def _unwrap(self, doc: dict[str, Any], kind: WrapKind, secret: bytes) -> bytes:
        wrap = doc["wraps"].get(kind)
        if wrap is None:
            raise KeysError(_('This profile has no {kind} wrap; use another way to unlock.').format(kind=kind))
        try:
            opslimit, memlimit = int(wrap["opslimit"]), int(wrap["memlimit"])
            salt, nonce, ct = _b64d(wrap["salt"]), _b64d(wrap["nonce"]), _b64d(wrap["ct"])
            key_id = _b64d(doc["key_id"])
        except (KeyError, TypeError, ValueError):
            raise KeyFileError(_("The key file is damaged; unlock with your recovery code.")) from None
        if wrap.get("kdf") != "argon2id13" or opslimit < OPSLIMIT_MIN or memlimit < MEMLIMIT_MIN:
            raise WeakParameters(
                _("The key file asks for a weaker key derivation than Coterie accepts; it was refused."))
        if (opslimit > OPSLIMIT_MAX or memlimit > MEMLIMIT_MAX
                or len(salt) != pwhash.argon2id.SALTBYTES or len(nonce) != 24):
            raise KeyFileError(_("The key file is damaged; unlock with your recovery code."))
        kek = pwhash.argon2id.kdf(KEY_BYTES, secret, salt, opslimit=opslimit, memlimit=memlimit)
        try:
            key = crypto_aead_xchacha20poly1305_ietf_decrypt(
                ct, _ad(kind, key_id, opslimit, memlimit, salt), nonce, kek)
        except nacl_exceptions.CryptoError:
            raise _wrong(kind) from None
        if len(key) != KEY_BYTES or not _check_matches(doc, key):
            raise _wrong(kind)
        return key

    # -- keyring ------------------------------------------------------------------------------
    def _keyring_or_raise(self) -> KeyringBackend:
        backend = real_backend(self._backend)
        if backend is None:
            raise KeyringUnavailable(
                _("No secure OS keyring is available on this system; choose a passphrase instead."))
        return backend

    @staticmethod
    def _entry(key_id: bytes) -> str:
        return f"store-key-{key_id.hex()}"

    def _keyring_put(self, backend: KeyringBackend, key_id: bytes, key: bytes) -> None:
        try:
            backend.set_password(KEYRING_SERVICE, self._entry(key_id), _b64e(key))
            stored = backend.get_password(KEYRING_SERVICE, self._entry(key_id))
        except keyring.errors.KeyringError:
            raise KeyringUnavailable(
                _("The OS keyring refused to store the key; choose a passphrase instead.")) from None
        if stored != _b64e(key):
            raise KeyringUnavailable(
                _("The OS keyring did not keep the key; choose a passphrase instead."))

    def _keyring_get(self, backend: KeyringBackend, key_id: bytes) -> bytes | None:
        try:
            value = backend.get_password(KEYRING_SERVICE, self._entry(key_id))
        except keyring.errors.KeyringError:
            raise KeyringUnavailable(
                _("The OS keyring could not be read; unlock it, or use your recovery code.")) from None
        if value is None:
            return None
        try:
            key = _b64d(value)
        except ValueError:
            return None
        return key if len(key) == KEY_BYTES else None

    def _keyring_forget(self, key_id: bytes) -> None:
        backend = real_backend(self._backend)
        if backend is None:
            return
        try:
            backend.delete_password(KEYRING_SERVICE, self._entry(key_id))
        except keyring.errors.KeyringError:
            pass  # the entry is already gone, or the keyring is locked: nothing to undo

    # -- the file -----------------------------------------------------------------------------
    def _load(self) -> dict[str, Any]:
        try:
            doc = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            raise KeyFileError(_("This profile has no store key yet; set it up first.")) from None
        except (OSError, ValueError):
            raise KeyFileError(_("The key file cannot be read; unlock with your recovery code.")) from None
        if (not isinstance(doc, dict) or doc.get("format") != _FORMAT
                or doc.get("mode") not in ("keyring", "passphrase")
                or not isinstance(doc.get("wraps"), dict)):
            raise KeyFileError(_("The key file is damaged; unlock with your recovery code."))
        if doc.get("version") != _VERSION:
            raise KeyFileError(_("The key file was written by a newer Coterie; update Coterie."))
        return doc

    def _save(self, doc: dict[str, Any]) -> None:
        tmp = self.path.with_name(KEY_FILE + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, (json.dumps(doc, indent=1, sort_keys=True) + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, self.path)
        _fsync_dir(self._dir)


def _document(mode: Mode, key_id: bytes, key: bytes, wraps: dict[str, Any]) -> dict[str, Any]:
    return {"format": _FORMAT, "version": _VERSION, "mode": mode, "key_id": _b64e(key_id),
            "check": _b64e(_check(key, key_id)), "wraps": wraps}


def _check(key: bytes, key_id: bytes) -> bytes:
    return blake2b(key_id, digest_size=32, key=key, person=_CHECK_PERSON,
                   encoder=RawEncoder)


def _check_matches(doc: dict[str, Any], key: bytes) -> bool:
    try:
        expected = _b64d(doc["check"])
        key_id = _b64d(doc["key_id"])
    except (KeyError, TypeError, ValueError):
        return False
    return len(key) == KEY_BYTES and secrets.compare_digest(expected, _check(key, key_id))


def _ad(kind: WrapKind, key_id: bytes, opslimit: int, memlimit: int, salt: bytes) -> bytes:
    return (_AD_LABEL + kind.encode() + b"\x00" + key_id + opslimit.to_bytes(8, "big")
            + memlimit.to_bytes(8, "big") + salt)


def _wrong(kind: WrapKind) -> WrongSecret:
    return WrongSecret(_("That passphrase is not right; nothing was changed.")
                       if kind == "passphrase"
                       else _("That recovery code is not right; nothing was changed."))


def _passphrase_secret(passphrase: str) -> bytes:
    if not passphrase:
        raise KeysError(_("The passphrase cannot be empty."))
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def _new_recovery_code() -> str:
    value = int.from_bytes(secrets.token_bytes(_RECOVERY_BYTES), "big")
    chars = "".join(_ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(_RECOVERY_CHARS)))
    return "-".join(chars[i:i + 4] for i in range(0, _RECOVERY_CHARS, 4))


def recovery_secret(code: str) -> bytes:
    """The canonical bytes of a typed recovery code (WrongSecret when it cannot be one)."""
    return _recovery_secret(code)


def _recovery_secret(code: str) -> bytes:
    """The canonical form of a typed recovery code (case, spaces, dashes, I/L/O forgiven)."""
    cleaned = "".join(code.split()).replace("-", "").upper()
    cleaned = cleaned.replace("I", "1").replace("L", "1").replace("O", "0")
    if len(cleaned) != _RECOVERY_CHARS or any(c not in _ALPHABET for c in cleaned):
        raise WrongSecret(_("That recovery code is not right; nothing was changed."))
    return ("coterie-recovery:" + cleaned).encode()


def _b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64d(text: str) -> bytes:
    if not isinstance(text, str):
        raise ValueError(_("not base64 text"))
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return  # platforms without directory handles (Windows) make replace durable themselves
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
