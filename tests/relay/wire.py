"""Signed relay requests for tests, built with crypto.relay_wire exactly as a client would."""
from __future__ import annotations

import hashlib
import itertools
from typing import Any

from crypto.relay_wire import (
    KIND_GROUP,
    MailboxCapability,
    append_message,
    b64e,
    close_message,
    create_message,
    read_message,
    sign,
)
from relay.core import ReadProof

_nonces = itertools.count(1)


def cap(name: str) -> MailboxCapability:
    """A capability derived from `name`, so tests can name their mailboxes."""
    def part(label: str) -> bytes:
        return hashlib.blake2b(f"{label}/{name}".encode(), digest_size=32).digest()
    return MailboxCapability(part("mailbox"), part("write"), part("read"))


def fresh_nonce() -> bytes:
    return next(_nonces).to_bytes(16, "big")


def create_sig(c: MailboxCapability, kind: int = KIND_GROUP, expires_at: int = 0) -> bytes:
    return sign(c.write_seed, create_message(c.mailbox, c.write_pk, c.read_pk, kind, expires_at))


def create_body(c: MailboxCapability, kind: str = "group", expires_at: int = 0) -> dict[str, Any]:
    code = 1 if kind == "invite" else 0
    return {"mailbox": b64e(c.mailbox), "write_pk": b64e(c.write_pk), "read_pk": b64e(c.read_pk),
            "kind": kind, "expires_at": expires_at, "sig": b64e(create_sig(c, code, expires_at))}


def append_sig(c: MailboxCapability, body: bytes) -> bytes:
    return sign(c.write_seed, append_message(c.mailbox, body))


def append_body(c: MailboxCapability, bodies: list[bytes]) -> dict[str, Any]:
    return {"messages": [{"body": b64e(b), "sig": b64e(append_sig(c, b))} for b in bodies]}


def read_proof(c: MailboxCapability, now: int, nonce: bytes | None = None) -> ReadProof:
    nonce = nonce or fresh_nonce()
    return ReadProof(now, nonce, sign(c.read_seed, read_message(c.mailbox, now, nonce)))


def close_proof(c: MailboxCapability, now: int, nonce: bytes | None = None) -> ReadProof:
    nonce = nonce or fresh_nonce()
    return ReadProof(now, nonce, sign(c.write_seed, close_message(c.mailbox, now, nonce)))


def proof_headers(p: ReadProof) -> dict[str, str]:
    return {"X-Coterie-Time": str(p.time), "X-Coterie-Nonce": b64e(p.nonce),
            "X-Coterie-Proof": b64e(p.proof)}


def subscribe_entry(c: MailboxCapability, after: int, now: int) -> dict[str, Any]:
    p = read_proof(c, now)
    return {"mailbox": b64e(c.mailbox), "after": after, "time": p.time,
            "nonce": b64e(p.nonce), "proof": b64e(p.proof)}


def messages_path(c: MailboxCapability) -> str:
    return f"/v1/mailboxes/{b64e(c.mailbox)}/messages"
