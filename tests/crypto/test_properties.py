"""Property-based tests (hypothesis): invariants of the protocol core, and every parser
fed arbitrary bytes answers with a CryptoError subclass, never another exception."""
from __future__ import annotations

import functools
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crypto import (
    BUCKETS,
    ContentReceived,
    CryptoError,
    Delete,
    Edit,
    GroupSession,
    Identity,
    IntegrityWarning,
    PendingJoin,
    Post,
    Reaction,
    Unsupported,
    decode_content,
    encode_content,
    fingerprint,
    open_invite_bundle,
    parse_invite_link,
    safety_number,
)
from crypto.control import decode_entry
from crypto.encoding import Reader
from crypto.envelope import parse_inner
from crypto.invite import check_join_request, decode_welcome, format_invite_link, open_invite
from crypto.kinds import registered_kinds
from crypto.pairwise import decode_box_list, open_pairwise
from crypto.primitives import pad, unpad
from crypto.relay_wire import b64d, b64e
from crypto.spaces import ChannelDef, Pin
from tests.crypto.conftest import Net, Peer, found, join, make_peer
from tests.crypto.forge import reseal

FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@functools.cache
def _world() -> tuple[Net, Peer, Peer, bytes, bytes]:
    """A founder and a member with keys exchanged, plus an invite mailbox (built once)."""
    net = Net()
    ana, ben = make_peer("ana"), make_peer("ben")
    found(net, ana)
    join(net, ana, ben)
    assert ana.session is not None
    info, bundle = ana.session.create_invite(3, net.now + 3600, net.now, ana.rng)
    net.send(bundle)
    return net, ana, ben, ana.session.mailboxes(net.now)[0].id, info.mailbox.id


def _only_crypto_errors(fn, *args) -> None:  # type: ignore[no-untyped-def]
    try:
        fn(*args)
    except CryptoError:
        pass


blobs = st.binary(max_size=2048)


# ---- every parser, arbitrary bytes --------------------------------------------------------
@FAST
@given(blobs)
def test_byte_parsers_raise_only_crypto_errors(data: bytes) -> None:
    net, ana, ben, _, _ = _world()
    assert ana.session is not None
    for fn in (parse_inner, decode_content, decode_entry, decode_welcome, Identity.from_bytes,
               unpad):
        _only_crypto_errors(fn, data)
    _only_crypto_errors(lambda d: decode_box_list(Reader(d)), data)
    _only_crypto_errors(GroupSession.from_bytes, data, ana.identity)
    _only_crypto_errors(PendingJoin.from_bytes, data, ana.identity)
    _only_crypto_errors(open_pairwise, ana.identity, ana.identity.spk, b"label", data)
    _only_crypto_errors(check_join_request, ana.identity, bytes(32), data, net.now)


@FAST
@given(st.text(max_size=300))
def test_link_and_base64_parsers_raise_only_crypto_errors(text: str) -> None:
    _only_crypto_errors(parse_invite_link, text)
    _only_crypto_errors(parse_invite_link, "coterie://join#" + text)
    _only_crypto_errors(b64d, text)
    _only_crypto_errors(b64d, text, 32)


@FAST
@given(st.sampled_from(BUCKETS), st.binary(min_size=1, max_size=64), st.integers(0, 10**9))
def test_envelopes_of_bucket_size_raise_only_crypto_errors(bucket: int, prefix: bytes,
                                                           seed: int) -> None:
    net, ana, ben, group_mb, invite_mb = _world()
    assert ana.session and ben.session
    data = (prefix + seed.to_bytes(8, "big") * (bucket // 8 + 1))[:bucket]
    for session, mailbox in ((ben.session, group_mb), (ana.session, invite_mb)):
        _only_crypto_errors(session.open, mailbox, data, net.now, os.urandom)
        _only_crypto_errors(session.open, mailbox, b"\x01" + data[1:], net.now, os.urandom)
    link = parse_invite_link(ana.session.invites()[0].link)
    _only_crypto_errors(open_invite_bundle, link, data, net.now)
    _only_crypto_errors(open_invite, link.secret, data)
    bundle = open_invite_bundle(link, net.boxes[link.mailbox.id][0], net.now)
    pending, _ = PendingJoin.start(ben.identity, link, bundle, "Ben", net.now, os.urandom)
    _only_crypto_errors(pending.open, data, net.now, os.urandom)
    _only_crypto_errors(pending.open, b"\x01" + data[1:], net.now, os.urandom)


@FAST
@given(st.binary(max_size=1500))
def test_inner_messages_behind_a_valid_envelope_raise_only_crypto_errors(raw: bytes) -> None:
    """A member (holding the header key) can put any inner bytes in the mailbox."""
    net, ana, ben, group_mb, _ = _world()
    assert ben.session is not None
    blob = ben.session.to_bytes()
    envelope = reseal(ben.session, group_mb, raw, os.urandom)
    _only_crypto_errors(ben.session.open, group_mb, envelope, net.now, os.urandom)
    assert ben.session.to_bytes() == blob  # unauthenticated input changed nothing


@FAST
@given(st.integers(0, 1023), st.integers(0, 7))
def test_any_bit_flip_in_a_valid_envelope_is_rejected(position: int, bit: int) -> None:
    net, ana, ben, group_mb, _ = _world()
    assert ana.session and ben.session
    clone = GroupSession.from_bytes(ben.session.to_bytes(), ben.identity)
    body = bytearray(ana.session.seal(Post("flip me"), net.now, os.urandom).outgoing.body)
    body[position % len(body)] ^= 1 << bit
    try:
        clone.open(group_mb, bytes(body), net.now, os.urandom)
    except CryptoError:
        return
    raise AssertionError("a modified envelope was accepted")


@FAST
@given(st.binary(max_size=600), st.integers(0, 5))
def test_mutated_state_blobs_load_or_raise_crypto_errors(noise: bytes, where: int) -> None:
    net, ana, ben, _, _ = _world()
    assert ana.session is not None
    blob = bytearray(ana.session.to_bytes())
    at = (len(blob) * where) // 6
    mutated = bytes(blob[:at]) + noise + bytes(blob[at + len(noise) // 2:])
    _only_crypto_errors(GroupSession.from_bytes, mutated, ana.identity)


# ---- invariants ------------------------------------------------------------------------------
ids = st.binary(min_size=32, max_size=32)
texts = st.text(max_size=400)
contents = st.one_of(
    st.builds(Post, texts, st.one_of(st.none(), ids)),
    st.builds(Reaction, ids, st.text(min_size=1, max_size=8), st.booleans()),
    st.builds(Edit, ids, texts),
    st.builds(Delete, ids),
    st.builds(Unsupported, st.integers(6, 255), st.integers(0, 255), st.binary(max_size=50))
    .filter(lambda u: (u.kind, u.version) not in registered_kinds()),
    st.builds(Post, texts, st.one_of(st.none(), ids), st.binary(min_size=16, max_size=16),
              st.one_of(st.none(), ids), st.text(max_size=40),
              st.lists(st.text(min_size=1, max_size=8), max_size=4, unique=True)
              .map(lambda t: tuple(sorted(t))))
    .filter(lambda p: p.thread is None or not (p.title or p.tags)),
    st.builds(ChannelDef, st.binary(min_size=16, max_size=16).filter(any), st.integers(0, 2),
              st.text(min_size=1, max_size=16).filter(str.strip), st.text(max_size=60),
              st.integers(0, 0xFFFF), st.booleans(),
              st.lists(st.text(min_size=1, max_size=8), max_size=5, unique=True)
              .map(lambda t: tuple(sorted(t)))),
    st.builds(Pin, st.binary(min_size=16, max_size=16), ids, st.booleans()),
)


@FAST
@given(contents)
def test_payloads_round_trip_and_re_encode_to_the_same_bytes(content) -> None:  # type: ignore[no-untyped-def]
    data = encode_content(content)
    assert decode_content(data) == content
    assert encode_content(decode_content(data)) == data


@FAST
@given(st.integers(0, 255), st.integers(0, 255), st.binary(max_size=100))
def test_unknown_payload_kinds_are_kept_not_rejected(kind: int, version: int, rest: bytes) -> None:
    if (kind, version) in registered_kinds():
        return
    got = decode_content(bytes((kind, version)) + rest)
    assert got == Unsupported(kind, version, rest)


@FAST
@given(st.binary(max_size=2000), st.sampled_from(BUCKETS))
def test_padding_round_trips_to_exact_sizes(data: bytes, size: int) -> None:
    if len(data) + 1 > size:
        return
    padded = pad(data, size)
    assert len(padded) == size and unpad(padded) == data


@FAST
@given(contents.filter(lambda c: not isinstance(c, Unsupported)))
def test_sealed_payloads_open_intact_and_every_length_is_a_bucket(content) -> None:  # type: ignore[no-untyped-def]
    net, ana, ben, group_mb, _ = _world()
    assert ana.session and ben.session
    sealed = ana.session.seal(content, net.now, os.urandom)
    assert len(sealed.outgoing.body) in BUCKETS
    events = ben.session.open(group_mb, sealed.outgoing.body, net.now, os.urandom).events
    assert events[-1] == ContentReceived(sealed.message_id, ana.identity.ik, sealed.epoch,
                                         sealed.seq, net.now, content)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.permutations(list(range(8))), st.lists(st.integers(0, 7), max_size=4),
       st.sets(st.integers(0, 7), max_size=3))
def test_any_delivery_order_yields_each_post_once_and_names_what_is_missing(
        order: list[int], replays: list[int], dropped: set[int]) -> None:
    net, ana, ben, group_mb, _ = _world()
    assert ana.session and ben.session
    sender = GroupSession.from_bytes(ana.session.to_bytes(), ana.identity)
    reader = GroupSession.from_bytes(ben.session.to_bytes(), ben.identity)
    bodies = [sender.seal(Post(f"p{i}"), net.now, os.urandom).outgoing.body for i in range(8)]
    delivered = [i for i in order if i not in dropped] + [i for i in replays if i not in dropped]
    events = []
    for i in delivered:
        events += reader.open(group_mb, bodies[i], net.now, os.urandom).events
    beat = sender.heartbeat(net.now, os.urandom).body
    events += reader.open(group_mb, beat, net.now, os.urandom).events
    got = [e.content.text for e in events if isinstance(e, ContentReceived)]
    assert sorted(got) == sorted(f"p{i}" for i in set(range(8)) - dropped)
    # a position is reported missing once, when something after it arrives first (the
    # heartbeat counts as position 8); reordering alone reports the late ones too
    expected, highest, reported = 0, -1, -1
    for i in list(dict.fromkeys(delivered)) + [8]:
        if i > highest + 1:
            expected += i - max(highest + 1, reported + 1)
            reported = max(reported, i - 1)
        highest = max(highest, i)
    warned = sum(w.count for w in events if isinstance(w, IntegrityWarning) and w.kind == "gap")
    assert warned == expected >= len(dropped)
    if not dropped and order == sorted(order):
        assert warned == 0
    replayed = [w for w in events if isinstance(w, IntegrityWarning) and w.kind == "replay"]
    assert len(replayed) == len(delivered) - len(set(delivered))


@FAST
@given(ids, ids)
def test_safety_numbers_are_symmetric_and_deterministic(a: bytes, b: bytes) -> None:
    assert safety_number(a, b) == safety_number(b, a)
    digits = safety_number(a, b).replace(" ", "")
    assert len(digits) == 60 and digits.isdigit()
    assert fingerprint(a) == fingerprint(a) and len(fingerprint(a).replace(" ", "")) == 32
    if a != b:
        assert fingerprint(a) != fingerprint(b)


@FAST
@given(st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=0x2FFF), min_size=1,
               max_size=60), ids, ids)
def test_invite_links_round_trip(host: str, secret: bytes, ik: bytes) -> None:
    url = "https://" + host
    if len(url.encode()) > 512:
        return
    link = parse_invite_link(format_invite_link(url, secret, ik))
    assert (link.relay_url, link.secret, link.inviter_ik) == (url, secret, ik)
    assert str(link) == format_invite_link(url, secret, ik)


@FAST
@given(st.binary(max_size=200))
def test_base64_round_trips(data: bytes) -> None:
    assert b64d(b64e(data)) == data


@FAST
@given(st.sampled_from([16, 17, 18, 19]), st.binary(max_size=1200))
def test_invite_messages_behind_a_valid_envelope_raise_only_crypto_errors(
        kind: int, payload: bytes) -> None:
    """Anyone holding the link can write the invite mailbox: any inner bytes are safe."""
    from crypto.envelope import seal_outer
    from crypto.invite import invite_key
    net, ana, ben, _, invite_mb = _world()
    assert ana.session is not None
    link = parse_invite_link(ana.session.invites()[0].link)
    envelope = seal_outer(invite_key(link.secret), invite_mb, bytes((kind, 1)) + payload,
                          os.urandom)
    _only_crypto_errors(ana.session.open, invite_mb, envelope, net.now, os.urandom)
    bundle = open_invite_bundle(link, net.boxes[link.mailbox.id][0], net.now)
    pending, _ = PendingJoin.start(ben.identity, link, bundle, "Ben", net.now, os.urandom)
    _only_crypto_errors(pending.open, envelope, net.now, os.urandom)
    _only_crypto_errors(open_invite_bundle, link, envelope, net.now)
