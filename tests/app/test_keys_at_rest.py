"""Threat model P10 (docs/threat-model.md), at rest: nothing under the profile dir gives away the key or content.

A real profile (key wrap + SQLCipher store with WAL) is filled with recognisable text, then
every file under the directory is searched byte for byte: while the store is open (the
-wal and -shm files exist), after a checkpoint, and after close.
"""
from __future__ import annotations

import base64
from pathlib import Path

import pytest
from keyring.backends import null

from app.keys import KeyStore
from app.store import GroupRecord, Invite, JoinRequest, Member, NewOutbox, NewPost, Store
from tests.keyring_double import MemoryKeyring

SECRET_TEXTS = [
    "Zanzibar-meeting-at-the-lighthouse",
    "Wilhelmina Quarterfield",
    "coterie://join#1.relay.example.n0tAr3alS3cr3tBUTl0ng.founderik",
    "Secret Picnic Society",
    "Ünïcödé dïäcrïtïcs pâssage",
]




def forms_of_key(key: bytes) -> list[bytes]:
    b64 = base64.b64encode(key)
    url = base64.urlsafe_b64encode(key)
    return [key, key.hex().encode(), key.hex().upper().encode(), b64, b64.rstrip(b"="),
            url, url.rstrip(b"=")]


def forms_of_text(text: str) -> list[bytes]:
    return [text.encode("utf-8"), text.encode("utf-16-le"), text.lower().encode("utf-8")]


def leaks(profile: Path, needles: list[bytes]) -> list[str]:
    found = []
    for path in sorted(p for p in profile.rglob("*") if p.is_file()):
        data = path.read_bytes()
        found += [f"{path.name}: {needle[:12]!r}" for needle in needles if needle in data]
    return found


def fill(store: Store) -> None:
    g = b"\x07" * 16
    store.identity.save(b"identity-blob", SECRET_TEXTS[1], 1)
    store.groups.add_group(GroupRecord(g, SECRET_TEXTS[3], "https://relay.example", "admin", b"s", 1, 1))
    store.groups.upsert_member(Member(g, b"I" * 32, "fp", SECRET_TEXTS[1], "admin"))
    store.posts.insert_posts([NewPost(g, i.to_bytes(8, "big"), b"I" * 32, SECRET_TEXTS[1], i, i, i,
                                text=f"{SECRET_TEXTS[0]} {SECRET_TEXTS[4]} #{i}")
                        for i in range(300)])
    store.invites.add_invite(Invite(b"inv", g, SECRET_TEXTS[2], b"link-secret", 1, 1, 1, 99))
    store.invites.add_join_request(JoinRequest(b"req", g, b"inv", SECRET_TEXTS[1], "fp", b"J" * 32,
                                       b"raw", "pending", 1))
    store.outbox.enqueue([NewOutbox("https://relay.example", b"m" * 32, b"cap", b"envelope", 1, g)])
    store.settings.set("display_name", SECRET_TEXTS[1])
    store.posts.apply_edit(g, (1).to_bytes(8, "big"), f"edited {SECRET_TEXTS[0]}", 5)


@pytest.mark.parametrize("mode", ["passphrase", "keyring"])
def test_no_key_and_no_plaintext_anywhere_under_the_profile(tmp_path: Path, mode: str) -> None:
    profile = tmp_path / "profile"
    real = MemoryKeyring()
    keys = KeyStore(profile, real if mode == "keyring" else null.Keyring())
    setup = keys.setup("a passphrase for leak tests" if mode == "passphrase" else None)
    needles = forms_of_key(setup.key) + [setup.recovery_code.encode(),
                                         setup.recovery_code.replace("-", "").encode()]
    needles += [n for text in SECRET_TEXTS for n in forms_of_text(text)]
    if mode == "passphrase":
        needles += [b"a passphrase for leak tests"]

    store = Store.open(profile, setup.key)
    fill(store)
    assert (profile / "store.db-wal").exists()
    assert leaks(profile, needles) == []
    store.checkpoint()
    fill_more = NewPost(b"\x07" * 16, b"late", b"I" * 32, "x", 9, 9, 9, text=SECRET_TEXTS[0])
    store.posts.insert_posts([fill_more])
    assert leaks(profile, needles) == []
    store.close()
    assert leaks(profile, needles) == []
    assert sorted(p.name for p in profile.iterdir()) == ["key.json", "store.db"]

    # the store really holds those texts: the scan above would have seen a plain database
    with Store.open(profile, setup.key) as reopened:
        assert len(reopened.search.find("zanzibar lighthouse", limit=1000)) == 301
        assert reopened.identity.get().display_name == SECRET_TEXTS[1]  # type: ignore[union-attr]


def test_the_scan_finds_plaintext_when_it_is_there(tmp_path: Path) -> None:
    (tmp_path / "leaky.txt").write_bytes("x Wilhelmina Quarterfield y".encode("utf-16-le"))
    key = bytes(range(32))
    (tmp_path / "k").write_text(base64.urlsafe_b64encode(key).decode().rstrip("="))
    needles = forms_of_key(key) + [n for t in SECRET_TEXTS for n in forms_of_text(t)]
    assert {line.split(":")[0] for line in leaks(tmp_path, needles)} == {"k", "leaky.txt"}
