"""Tools for attack tests: read, alter and re-seal envelopes the way a hostile relay or a
malicious member could (a relay holds no header key; a member does)."""
from __future__ import annotations

from collections.abc import Callable

from crypto import GroupSession, Identity
from crypto.envelope import (
    HEADER,
    HEADER_LEN,
    Header,
    open_outer,
    parse_inner,
    seal_outer,
    signed_input,
)
from crypto.primitives import Rng


def inner_of(session: GroupSession, mailbox_id: bytes, envelope: bytes) -> bytes:
    ep = session.state.by_mailbox[mailbox_id]
    return open_outer(ep.header_key, mailbox_id, envelope)


def reseal(session: GroupSession, mailbox_id: bytes, inner: bytes, rng: Rng) -> bytes:
    """Wrap `inner` as any member of the epoch could."""
    ep = session.state.by_mailbox[mailbox_id]
    return seal_outer(ep.header_key, mailbox_id, inner, rng)


def rebuild(raw: bytes, signer: Identity | None, change: Callable[[Header], Header] = lambda h: h,
            body: bytes | None = None, pt_hash: bytes | None = None,
            sig: bytes | None = None) -> bytes:
    """Re-assemble an inner message with a changed header/body, signed by `signer` (or
    keeping the old signature when signer is None and no sig is given)."""
    inner = parse_inner(raw)
    header = change(inner.header)
    hb = HEADER.pack(*header)
    body = inner.body if body is None else body
    pt_hash = inner.pt_hash if pt_hash is None else pt_hash
    if sig is None:
        sig = inner.sig if signer is None else signer.sign(signed_input(hb, body, pt_hash))
    return hb + len(body).to_bytes(4, "big") + body + pt_hash + sig


__all__ = ["inner_of", "reseal", "rebuild", "HEADER_LEN"]
