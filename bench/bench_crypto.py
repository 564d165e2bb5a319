"""Crypto benchmark: sealing and opening 512-byte posts, against raw Ed25519 in the same run.

crypto_seal_per_s      posts sealed per second (pad, two AEADs, one signature); the
                       ceiling is PyNaCl's raw Ed25519 signing rate on 512-byte messages.
crypto_open_vs_verify  posts opened per second (outer AEAD, parse, verify, chain step,
                       inner AEAD, plaintext-hash check, gap/replay bookkeeping); the
                       ceiling is PyNaCl's raw Ed25519 verify rate on 512-byte messages.
Each figure is the best of several interleaved rounds (the least disturbed on a shared
machine); ours and the ceiling alternate so both see the same conditions.
"""
from __future__ import annotations

import os
import time

from nacl.signing import SigningKey

from bench.common import Row, rate_row
from crypto import GroupSession, Identity, PendingJoin, Post, open_invite_bundle, parse_invite_link

BATCH = 1000
ROUNDS = 7
T0 = 1_750_000_000
TEXT = "x" * 512


def _pair() -> tuple[GroupSession, GroupSession]:
    """Two real sessions joined through the invite flow, keys exchanged."""
    rng = os.urandom
    ana_id, ben_id = Identity.generate(T0, rng), Identity.generate(T0, rng)
    ana = GroupSession.create(ana_id, "Bench", "https://relay.bench", "Ana", T0, rng)
    info, bundle_out = ana.create_invite(1, T0 + 3600, T0, rng)
    link = parse_invite_link(info.link)
    pending, request = PendingJoin.start(ben_id, link, open_invite_bundle(
        link, bundle_out.body, T0), "Ben", T0, rng)
    opened = ana.open(request.mailbox.id, request.body, T0, rng)
    outs = ana.admit(opened.events[0].request.request_id, T0, rng)
    joined = None
    for o in outs:
        if o.mailbox.invite_id is not None:
            joined = pending.open(o.body, T0, rng)
    assert joined is not None
    ben = joined.session
    for o in outs:
        if o.mailbox.epoch == ben.epoch:
            ben.open(o.mailbox.id, o.body, T0, rng)
    return ana, ben


def _rate(n: int, start: float) -> float:
    return n / (time.perf_counter() - start)


def run() -> list[Row]:
    ana, ben = _pair()
    key = SigningKey.generate()
    verify_key = key.verify_key
    messages = [os.urandom(512) for _ in range(BATCH)]
    signed = [key.sign(m) for m in messages]
    mailbox = ana.mailboxes(T0)[0].id
    seal = sign = open_ = verify = 0.0
    for _ in range(ROUNDS):
        start = time.perf_counter()
        sealed = [ana.seal(Post(TEXT), T0, os.urandom).outgoing.body for _ in range(BATCH)]
        seal = max(seal, _rate(BATCH, start))
        start = time.perf_counter()
        for m in messages:
            key.sign(m)
        sign = max(sign, _rate(BATCH, start))
        start = time.perf_counter()
        for sm in signed:
            verify_key.verify(sm)
        verify = max(verify, _rate(BATCH, start))
        start = time.perf_counter()
        for body in sealed:
            ben.open(mailbox, body, T0, os.urandom)
        open_ = max(open_, _rate(BATCH, start))
    return [
        rate_row("crypto_seal_per_s", seal, sign, "posts/s",
                 "512-byte posts sealed; ceiling = raw Ed25519 sign/s, same run"),
        rate_row("crypto_open_vs_verify", open_, verify, "posts/s",
                 "512-byte posts opened (verify+decrypt+chain); ceiling = raw Ed25519 "
                 "verify/s, same run; target >= 0.8"),
    ]
