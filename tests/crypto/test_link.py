"""The one-time linking channel (crypto/link.py, protocol §16.7): codes, words, transfer."""
from __future__ import annotations

import pytest

from crypto import AuthError, CryptoError, InviteError
from crypto import link as wire
from tests.crypto.conftest import DetRng

RELAY = "https://relay.test"


def _exchange(rng: DetRng, code: wire.LinkCode) -> tuple[bytes, bytes, bytes, bytes]:
    """hello, offer and both ephemeral secrets of one honest run."""
    a, a_pk = wire.ephemeral(rng)
    b, b_pk = wire.ephemeral(rng)
    hello = wire.Hello(b_pk, bytes(range(32)), bytes(32), "laptop").encode()
    offer = wire.Offer(a_pk, bytes(range(1, 33)), "Ana").encode()
    return hello, offer, a, b


def test_a_code_round_trips_and_anything_else_is_refused() -> None:
    code = wire.new_code(RELAY, DetRng("code"))
    assert wire.parse_code(code.text()) == code
    for bad in ("", "coterie://link#2.aA.aA", code.text() + "x", code.text().replace("#", "?"),
                "coterie://join#1.aA.aA", "coterie://link#1." + code.text().split(".")[1] + ".AAAA"):
        with pytest.raises(InviteError):
            wire.parse_code(bad)


def test_both_sides_derive_the_same_words_and_transfer_key() -> None:
    rng = DetRng("honest")
    code = wire.new_code(RELAY, rng)
    hello, offer, a, b = _exchange(rng, code)
    t = wire.transcript(hello, offer)
    a_pk = wire.Offer.decode(offer).eph_pk
    b_pk = wire.Hello.decode(hello).eph_pk
    assert wire.transfer_key(code, a, b_pk, t) == wire.transfer_key(code, b, a_pk, t)
    assert len(wire.words(t).split()) == 5


def test_someone_in_the_middle_with_the_code_makes_the_words_differ() -> None:
    rng = DetRng("mitm")
    code = wire.new_code(RELAY, rng)
    hello, offer, _a, _b = _exchange(rng, code)
    _m, m_pk = wire.ephemeral(rng)
    # the attacker answers each side with its own key
    real = wire.Hello.decode(hello)
    to_first = wire.Hello(m_pk, real.device_pk, real.device_spk, "laptop").encode()
    to_new = wire.Offer(m_pk, wire.Offer.decode(offer).member_ik, "Ana").encode()
    assert wire.words(wire.transcript(to_first, offer)) != wire.words(wire.transcript(hello, to_new))


def test_an_altered_or_foreign_message_does_not_open() -> None:
    rng = DetRng("tamper")
    code = wire.new_code(RELAY, rng)
    other = wire.new_code(RELAY, rng)
    env = wire.seal(code, wire.TYPE_HELLO, b"x" * 10, rng)
    assert wire.open_message(code, env) == (wire.TYPE_HELLO, b"x" * 10)
    flipped = env[:-1] + bytes([env[-1] ^ 1])
    for bad in (flipped, wire.seal(other, wire.TYPE_HELLO, b"x", rng), b"\1" + b"\x55" * 1023):
        with pytest.raises(CryptoError):
            wire.open_message(code, bad)


def test_a_transfer_chunk_altered_or_under_another_key_is_refused() -> None:
    rng = DetRng("chunks")
    code = wire.new_code(RELAY, rng)
    tk, other = bytes(32), bytes([1]) * 32
    data = bytes(range(256)) * 600
    envs = wire.seal_chunks(code, tk, data, rng)
    parts = [wire.open_chunk(tk, wire.open_message(code, e)[1]) for e in envs]
    assert b"".join(p[2] for p in sorted(parts)) == data and parts[0][1] == len(envs) == 3
    body = wire.open_message(code, envs[1])[1]
    with pytest.raises(AuthError):
        wire.open_chunk(other, body)
    with pytest.raises(AuthError):   # index rewritten: the index is authenticated
        wire.open_chunk(tk, (0).to_bytes(4, "big") + body[4:])
    with pytest.raises(AuthError):
        wire.open_chunk(tk, body[:-1] + bytes([body[-1] ^ 1]))


def test_the_short_code_carries_the_secret_and_forgives_typing() -> None:
    code = wire.new_code(RELAY, DetRng("short"))
    short = code.short()
    assert len(short) == 31 and short.count("-") == 5
    typed = short.lower().replace("-", " ").replace("1", "l").replace("0", "o")
    assert wire.parse_short(typed, RELAY) == code
    for bad in ("", short[:-1], short + "7", short.replace(short[0], "U", 1)):
        with pytest.raises(InviteError):
            wire.parse_short(bad, RELAY)
    with pytest.raises(InviteError):
        wire.parse_short(short, "")
    with pytest.raises(InviteError):
        wire.parse_short(short, "ftp://relay")
