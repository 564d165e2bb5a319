"""GroupSession.prepare: a batch's signatures checked ahead on several threads changes
nothing about what open() accepts, refuses or reports."""
from __future__ import annotations

import pytest

from crypto import AuthError, ContentReceived, CryptoError, IntegrityWarning, Post, sodium
from tests.crypto.conftest import Net, Peer
from tests.crypto.forge import inner_of, rebuild, reseal


def _current(peer: Peer) -> bytes:
    assert peer.session is not None
    return peer.session.state.epoch_mailbox(peer.session.state.epochs[peer.session.epoch]).id


def _outcome(peer: Peer, mailbox: bytes, bodies: list[bytes], net: Net,
             prepare: bool) -> list[object]:
    """What open() makes of each body in turn: its events, or the error's type."""
    assert peer.session is not None
    if prepare:
        peer.session.prepare([(mailbox, b) for b in bodies])
    out: list[object] = []
    for body in bodies:
        try:
            out.append([(type(e).__name__, getattr(e, "seq", None),
                         getattr(getattr(e, "content", None), "text", None))
                        for e in peer.session.open(mailbox, body, net.now, peer.rng).events])
        except CryptoError as exc:
            out.append(type(exc).__name__)
    return out


def test_a_prepared_batch_opens_exactly_as_an_unprepared_one(
        trio: tuple[Peer, Peer, Peer], net: Net, monkeypatch: pytest.MonkeyPatch) -> None:
    ana, ben, cai = trio
    assert ana.session and ben.session and cai.session
    monkeypatch.setattr(sodium, "PARALLEL_MIN", 2)  # split even this small batch
    mailbox = _current(cai)
    bodies = [ana.session.seal(Post(f"post {i}"), net.now, ana.rng).outgoing.body
              for i in range(40)]
    raw = inner_of(cai.session, mailbox, bodies[10])
    forged = reseal(cai.session, mailbox, rebuild(raw, ben.identity), cai.rng)  # says Ana
    zero_sig = reseal(cai.session, mailbox, rebuild(raw, None, sig=bytes(64)), cai.rng)
    batch = bodies[:10] + [forged, zero_sig] + bodies[10:25] + [bodies[3]] + bodies[30:] \
        + [b"\x00" * 10]
    # the same messages opened again from the same state, without prepare()
    saved = cai.session.to_bytes()
    prepared = _outcome(cai, mailbox, batch, net, prepare=True)
    cai.session = type(cai.session).from_bytes(saved, cai.identity)
    plain = _outcome(cai, mailbox, batch, net, prepare=False)
    assert prepared == plain
    assert prepared[10] == prepared[11] == "AuthError"
    assert [(kind, text) for kind, _seq, text in prepared[12]] == [("ContentReceived", "post 10")]
    assert ("IntegrityWarning", None, None) in prepared[28]  # a gap from 25 to 29


def test_a_signature_forged_after_prepare_is_still_refused(
        trio: tuple[Peer, Peer, Peer], net: Net, monkeypatch: pytest.MonkeyPatch) -> None:
    """prepare() vouches for bytes, not for an envelope slot: a different message under
    the same position is verified when opened; each genuine one is checked exactly once,
    by the helper or by open()."""
    ana, ben, cai = trio
    assert ana.session and ben.session and cai.session
    monkeypatch.setattr(sodium, "PARALLEL_MIN", 2)
    mailbox = _current(cai)
    genuine = [ana.session.seal(Post(f"p{i}"), net.now, ana.rng).outgoing.body
               for i in range(40)]
    forged = reseal(cai.session, mailbox,
                    rebuild(inner_of(cai.session, mailbox, genuine[0]), ben.identity), cai.rng)
    calls = []
    real = sodium.verify_detached
    monkeypatch.setattr(sodium, "verify_detached", lambda *a: calls.append(a[1:]) or real(*a))
    cai.session.prepare([(mailbox, b) for b in genuine])
    with pytest.raises(AuthError):
        cai.session.open(mailbox, forged, net.now, cai.rng)
    events = [e for b in genuine for e in cai.session.open(mailbox, b, net.now, cai.rng).events]
    assert [e.content.text for e in events if isinstance(e, ContentReceived)] == \
        [f"p{i}" for i in range(40)]
    assert not [e for e in events if isinstance(e, IntegrityWarning)]
    assert len(calls) == 41 and len(set(calls)) == 41  # 40 genuine once each + the forgery


@pytest.mark.parametrize("parallel_min", [2, 1000])
def test_shared_checks_give_each_verdict_once_in_any_order(
        monkeypatch: pytest.MonkeyPatch, parallel_min: int) -> None:
    from nacl.signing import SigningKey

    monkeypatch.setattr(sodium, "PARALLEL_MIN", parallel_min)  # with and without the helper
    key = SigningKey(bytes(range(32)))
    pk = bytes(key.verify_key)
    items = [(i, pk, bytes([i]) * 40, key.sign(bytes([i]) * 40).signature) for i in range(50)]
    bad = {3, 24, 25, 49}
    for i in bad:
        items[i] = (i, pk, items[i][2] + b"!", items[i][3])
    checks = sodium.SharedChecks(items)
    order = [*range(0, 50, 2), *range(1, 50, 2)]
    assert [checks.verdict(i) for i in order] == [i not in bad for i in order]
    assert checks.verdict(7) is None and checks.verdict("other") is None  # taken, unknown
    empty = sodium.SharedChecks([])
    assert empty.verdict(0) is None
