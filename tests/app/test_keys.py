"""Store-key management: keyring choice, Argon2id wraps, recovery code (threat model P10).

Argon2id at MODERATE takes about a second here, so each test does only the runs it needs.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from nacl import pwhash

from app.errors import ProfileError
from app.keys import (
    KEY_FILE,
    KeyFileError,
    KeyringEntryMissing,
    KeyringUnavailable,
    KeysError,
    KeyStore,
    WeakParameters,
    WrongSecret,
    real_backend,
)
from tests.keyring_double import MemoryKeyring


class PlaintextKeyring(MemoryKeyring):
    """Shaped like keyrings.alt's plaintext file backend (same module path and name)."""


PlaintextKeyring.__module__ = "keyrings.alt.file"


def only(*members: KeyringBackend) -> chainer.ChainerBackend:
    class Chain(chainer.ChainerBackend):
        backends = list(members)  # type: ignore[assignment]

    return Chain()


@pytest.fixture
def default_keyring() -> Iterator[None]:
    saved = keyring.get_keyring()
    yield
    keyring.set_keyring(saved)


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring(), PlaintextKeyring(),
                                     only(), only(null.Keyring(), PlaintextKeyring())],
                         ids=["fail", "null", "keyrings.alt", "empty-chainer", "bad-chainer"])
def test_unsafe_keyrings_demand_a_passphrase(tmp_path: Path, default_keyring: None,
                                             backend: KeyringBackend) -> None:
    keyring.set_keyring(backend)
    assert not KeyStore.keyring_usable()
    with pytest.raises(KeyringUnavailable):
        KeyStore(tmp_path).setup(None)
    assert not (tmp_path / KEY_FILE).exists()


def test_the_real_keyrings_alt_backends_are_refused_when_installed() -> None:
    alt = pytest.importorskip("keyrings.alt.file")
    assert not KeyStore.keyring_usable(alt.PlaintextKeyring())


def test_a_mixed_chainer_uses_its_real_member_never_the_plaintext_one(tmp_path: Path) -> None:
    plain, real = PlaintextKeyring(), MemoryKeyring()
    chain = only(plain, real)  # plaintext ranks first, as it could on a real system
    assert real_backend(chain) is real
    setup = KeyStore(tmp_path, chain).setup(None)
    assert plain.entries == {} and len(real.entries) == 1
    assert KeyStore(tmp_path, chain).unlock() == setup.key


def test_keyring_mode_unlocks_without_a_secret(tmp_path: Path, default_keyring: None) -> None:
    real = MemoryKeyring()
    keyring.set_keyring(real)
    store = KeyStore(tmp_path)
    setup = store.setup(None)
    assert setup.mode == "keyring" and len(setup.key) == 32
    assert store.unlock() == setup.key
    info = store.info()
    assert (info.mode, info.keyring, info.passphrase, info.recovery) == (
        "keyring", True, False, True)
    assert setup.key.hex() not in repr(setup) and setup.recovery_code not in repr(setup)


def test_discard_forgets_the_keyring_entry_of_a_profile_thrown_away(
        tmp_path: Path, default_keyring: None) -> None:
    real = MemoryKeyring()
    keyring.set_keyring(real)
    store = KeyStore(tmp_path)
    store.setup(None)
    assert real.entries
    store.discard()
    assert not real.entries
    KeyStore(tmp_path / "none").discard()      # no key file: nothing to do


def test_passphrase_unlocks_and_a_wrong_one_changes_nothing(tmp_path: Path) -> None:
    store = KeyStore(tmp_path, null.Keyring())
    setup = store.setup("correct horse battery")
    before = (tmp_path / KEY_FILE).read_bytes()
    with pytest.raises(WrongSecret) as err:
        store.unlock("correct horse battery!")
    assert str(err.value) == "That passphrase is not right; nothing was changed."
    assert (tmp_path / KEY_FILE).read_bytes() == before
    assert store.unlock("correct horse battery") == setup.key
    with pytest.raises(KeysError):
        store.unlock(None)


def test_weaker_argon2id_parameters_are_refused_on_load(tmp_path: Path) -> None:
    store = KeyStore(tmp_path, null.Keyring())
    store.setup("pw-for-weak-test")
    doc = json.loads((tmp_path / KEY_FILE).read_text())
    for field, weak in (("opslimit", pwhash.argon2id.OPSLIMIT_INTERACTIVE),
                        ("memlimit", pwhash.argon2id.MEMLIMIT_INTERACTIVE)):
        tampered = json.loads(json.dumps(doc))
        tampered["wraps"]["passphrase"][field] = weak
        (tmp_path / KEY_FILE).write_text(json.dumps(tampered))
        with pytest.raises(WeakParameters):
            store.unlock("pw-for-weak-test")
    with pytest.raises(ValueError):
        KeyStore(tmp_path, opslimit=pwhash.argon2id.OPSLIMIT_INTERACTIVE)


def test_the_parameters_are_bound_into_the_wrap(tmp_path: Path) -> None:
    store = KeyStore(tmp_path, null.Keyring())
    store.setup("pw-for-binding-test")
    doc = json.loads((tmp_path / KEY_FILE).read_text())
    doc["wraps"]["passphrase"]["opslimit"] += 1  # stronger, but not what the wrap was made with
    (tmp_path / KEY_FILE).write_text(json.dumps(doc))
    with pytest.raises(WrongSecret):
        store.unlock("pw-for-binding-test")


def test_lost_keyring_entry_is_recovered_with_the_code(tmp_path: Path) -> None:
    real = MemoryKeyring()
    store = KeyStore(tmp_path, real)
    setup = store.setup(None)
    real.entries.clear()
    with pytest.raises(KeyringEntryMissing):
        store.unlock()
    typed = setup.recovery_code.lower().replace("-", " ")
    assert store.unlock_with_recovery(typed, "a new passphrase") == setup.key
    assert store.info().mode == "passphrase"
    assert store.unlock("a new passphrase") == setup.key


def test_a_forgotten_passphrase_is_replaced_with_the_code(tmp_path: Path) -> None:
    real = MemoryKeyring()
    store = KeyStore(tmp_path, real)
    setup = store.setup("forgotten")
    assert store.unlock_with_recovery(setup.recovery_code, None) == setup.key
    assert store.info().mode == "keyring" and store.unlock() == setup.key


def test_a_wrong_recovery_code_changes_nothing(tmp_path: Path) -> None:
    store = KeyStore(tmp_path, null.Keyring())
    setup = store.setup("pw")
    before = (tmp_path / KEY_FILE).read_bytes()
    wrong = ("0" if setup.recovery_code[0] != "0" else "1") + setup.recovery_code[1:]
    for code in (wrong, "not a code", ""):
        with pytest.raises(WrongSecret) as err:
            store.unlock_with_recovery(code, "new")
        assert str(err.value) == "That recovery code is not right; nothing was changed."
    assert (tmp_path / KEY_FILE).read_bytes() == before


def test_changing_and_switching_protection(tmp_path: Path) -> None:
    real = MemoryKeyring()
    store = KeyStore(tmp_path, real)
    setup = store.setup("first")
    store.change_passphrase(setup.key, "second")
    with pytest.raises(WrongSecret):
        store.unlock("first")
    assert store.unlock("second") == setup.key
    store.change_passphrase(setup.key, None)             # passphrase -> keyring
    assert store.info().mode == "keyring" and not store.info().passphrase
    assert store.unlock() == setup.key and len(real.entries) == 1
    store.change_passphrase(setup.key, "third")          # keyring -> passphrase
    assert real.entries == {} and store.unlock("third") == setup.key
    with pytest.raises(KeysError):
        store.change_passphrase(b"\x00" * 32, "fourth")  # not this profile's key


def test_a_new_recovery_code_replaces_the_old_one(tmp_path: Path) -> None:
    store = KeyStore(tmp_path, MemoryKeyring())
    setup = store.setup(None)
    code = store.new_recovery_code(setup.key)
    with pytest.raises(WrongSecret):
        store.unlock_with_recovery(setup.recovery_code, None)
    assert store.unlock_with_recovery(code, None) == setup.key


def test_set_up_twice_and_missing_or_damaged_files(tmp_path: Path) -> None:
    store = KeyStore(tmp_path, MemoryKeyring())
    with pytest.raises(KeyFileError):
        store.unlock()
    store.setup(None)
    with pytest.raises(KeysError):
        store.setup(None)
    (tmp_path / KEY_FILE).write_text("{not json")
    with pytest.raises(KeyFileError):
        store.unlock()
    assert issubclass(KeysError, ProfileError)


def test_a_keyring_entry_holding_another_key_is_not_trusted(tmp_path: Path) -> None:
    real = MemoryKeyring()
    store = KeyStore(tmp_path, real)
    store.setup(None)
    [entry] = real.entries
    real.entries[entry] = "A" * 43  # 32 bytes of base64, but not this profile's key
    with pytest.raises(KeyringEntryMissing):
        store.unlock()
