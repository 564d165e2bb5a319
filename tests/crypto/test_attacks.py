"""One test per attack on the protocol, numbered 1-21 and 23 (22, the key at rest, is in
tests/app/); docs/threat-model.md names which promise each one keeps.

Each test is named test_attack_NN_... and plays the attacker with real envelopes: the
relay (no keys: it can drop, replay, reorder and inject bytes) or a malicious member (holds
the epoch's header key but not other members' identity keys).
"""
from __future__ import annotations

import os

import pytest

from crypto import (
    BUCKETS,
    GRACE_SECONDS,
    KIND_INVITE,
    MAX_SKIP,
    AuthError,
    ChainError,
    ContentReceived,
    CryptoError,
    DecodeError,
    EpochChanged,
    Identity,
    IntegrityWarning,
    InviteError,
    NotAllowed,
    OwnEcho,
    PendingJoin,
    Post,
    UnknownMailbox,
    VersionError,
    chains,
    fingerprint,
    labels,
    open_invite_bundle,
    parse_invite_link,
    relay_wire,
)
from crypto.control import OP_ADD, OP_RENAME, ControlEntry, MemberRecord, name_data, sign_entry
from crypto.encoding import Writer
from crypto.envelope import TYPE_CONTENT, TYPE_CONTROL, TYPE_SENDER_KEY, parse_inner
from crypto.invite import (
    TYPE_JOIN,
    build_join_request,
    encode_welcome,
    invite_key,
    open_invite,
    seal_invite,
    seal_welcome,
)
from crypto.pairwise import decode_box_list, encode_box_list, open_pairwise, seal_pairwise
from crypto.params import MEMBER_BUCKETS
from crypto.primitives import box_open, box_seal, h, x25519_public
from crypto.send import seal_plain
from tests.crypto.conftest import DetRng, Net, Peer, found, join, make_peer
from tests.crypto.forge import inner_of, rebuild, reseal


def _warnings(peer: Peer, kind: str) -> list[IntegrityWarning]:
    return [w for w in peer.of(IntegrityWarning) if w.kind == kind]


def _current(peer: Peer) -> bytes:
    assert peer.session is not None
    return peer.session.mailboxes(0)[0].id


def _control_envelope(peer: Peer, entry: ControlEntry, net: Net) -> bytes:
    """A control message sealed by `peer` (a member) carrying any entry it likes."""
    assert peer.session is not None
    ep = peer.session.state.epochs[peer.session.epoch]
    body = Writer().var32(entry.encode()).raw(encode_box_list([])).bytes()
    return seal_plain(peer.session.state, ep, TYPE_CONTROL, body, net.now, peer.rng).body


# 1 -----------------------------------------------------------------------------------------
def test_attack_01_unsigned_or_non_admin_add_is_rejected(trio: tuple[Peer, Peer, Peer],
                                                         net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session and ben.session and cai.session
    eve = Identity.generate(net.now, DetRng("eve"))
    record = MemberRecord(eve.ik, eve.spk, eve.spk_created_at, eve.spk_signature, "Eve", "member")
    head_seq, head_hash = cai.session.control_head
    entry = ControlEntry(cai.session.group_id, head_seq + 1, head_hash, ben.identity.ik, net.now,
                         OP_ADD, cai.session.epoch + 1, os.urandom(32),
                         record.encode(Writer()).bytes())
    mailbox = _current(cai)
    unsigned = _control_envelope(ben, ControlEntry(**{**entry.__dict__, "sig": bytes(64)}), net)
    with pytest.raises(AuthError):
        cai.session.open(mailbox, unsigned, net.now, cai.rng)
    by_member = _control_envelope(ben, sign_entry(entry, ben.identity.sign), net)
    with pytest.raises(AuthError, match="only an admin"):
        cai.session.open(mailbox, by_member, net.now, cai.rng)
    injected = os.urandom(BUCKETS[0])  # the relay has no header key at all
    with pytest.raises(CryptoError):
        cai.session.open(mailbox, injected, net.now, cai.rng)
    assert eve.ik not in {m.ik for m in cai.session.members()}


# 2 -----------------------------------------------------------------------------------------
def test_attack_02_replayed_old_control_entry_is_not_applied(trio: tuple[Peer, Peer, Peer],
                                                             net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session and ben.session
    mailbox = _current(ben)
    net.send(ana.session.promote(cai.identity.ik, net.now, ana.rng))
    net.send(ana.session.rename("Second name", net.now, ana.rng))
    net.pump(ana, ben, cai)
    head = ben.session.control_head
    promote_env = net.boxes[mailbox][-2]
    opened = ben.session.open(mailbox, promote_env, net.now, ben.rng)
    assert [w.kind for w in opened.events] == ["replay"]
    assert ben.session.control_head == head and ben.session.name == "Second name"


# 3 -----------------------------------------------------------------------------------------
def test_attack_03_forked_control_log_makes_both_sides_warn(trio: tuple[Peer, Peer, Peer],
                                                            net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session and ben.session and cai.session
    from crypto import GroupSession
    twin = GroupSession.from_bytes(ana.session.to_bytes(), ana.identity)
    mailbox = _current(ben)
    to_ben = ana.session.rename("Fork A", net.now, ana.rng)[0].body
    to_cai = twin.rename("Fork B", net.now, DetRng("twin"))[0].body
    for peer, env in ((ben, to_ben), (cai, to_cai)):
        peer.events.extend(peer.session.open(mailbox, env, net.now, peer.rng).events)  # type: ignore[union-attr]
    assert ben.session.name == "Fork A" and cai.session.name == "Fork B"
    from_ben = ben.session.seal(Post("I see A"), net.now, ben.rng).outgoing.body
    from_cai = cai.session.seal(Post("I see B"), net.now, cai.rng).outgoing.body
    ben.events.extend(ben.session.open(mailbox, from_cai, net.now, ben.rng).events)
    cai.events.extend(cai.session.open(mailbox, from_ben, net.now, cai.rng).events)
    assert _warnings(ben, "fork") and _warnings(cai, "fork")
    assert ben.session.fork_detected and cai.session.fork_detected
    # the other branch's entry itself is also recognised as a fork, never applied
    opened = ben.session.open(mailbox, to_cai, net.now, ben.rng)
    assert [w.kind for w in opened.events] == ["fork"] and ben.session.name == "Fork A"


# 4 -----------------------------------------------------------------------------------------
def _invite(net: Net, ana: Peer, uses: int = 1, ttl: int = 3600):  # type: ignore[no-untyped-def]
    assert ana.session is not None
    info, bundle_out = ana.session.create_invite(uses, net.now + ttl, net.now, ana.rng)
    net.send(bundle_out)
    link = parse_invite_link(info.link)
    return info, link, open_invite_bundle(link, bundle_out.body, net.now)


def test_attack_04_invite_without_secret_or_used_expired_revoked_is_rejected(
        net: Net, monkeypatch: pytest.MonkeyPatch) -> None:
    ana, ben = make_peer("ana"), make_peer("ben")
    found(net, ana)
    assert ana.session is not None
    info, link, bundle = _invite(net, ana)
    # the relay (no secret) cannot produce anything that opens in the invite mailbox
    with pytest.raises(AuthError):
        ana.session.open(link.mailbox.id, b"\x01" + os.urandom(BUCKETS[0] - 1), net.now,
                         ana.rng)
    # someone who can write the mailbox but does not prove the secret: the MAC fails
    import crypto.invite as invite_module
    monkeypatch.setattr(invite_module, "join_mac", lambda *args: bytes(32))
    _, forged = build_join_request(ben.identity, link, bundle, "Ben", net.now, ben.rng)
    monkeypatch.undo()
    with pytest.raises(AuthError, match="knowledge of the invite"):
        ana.session.open(link.mailbox.id, forged, net.now, ana.rng)
    # expired
    pending, request = PendingJoin.start(ben.identity, link, bundle, "Ben", net.now, ben.rng)
    with pytest.raises(InviteError, match="expired"):
        ana.session.open(link.mailbox.id, request.body, net.now + 7200, ana.rng)
    # consumed: admitted once, the same request again is refused
    opened = ana.session.open(link.mailbox.id, request.body, net.now, ana.rng)
    ana.session.admit(opened.events[0].request.request_id, net.now, ana.rng)
    with pytest.raises(InviteError):
        ana.session.open(link.mailbox.id, request.body, net.now, ana.rng)
    # revoked
    info2, link2, bundle2 = _invite(net, ana, uses=5)
    cai = make_peer("cai")
    _, request2 = PendingJoin.start(cai.identity, link2, bundle2, "Cai", net.now, cai.rng)
    closed = ana.session.revoke_invite(info2.invite_id)
    assert closed.kind == KIND_INVITE and closed.id == link2.mailbox.id
    with pytest.raises(InviteError, match="revoked"):
        ana.session.open(link2.mailbox.id, request2.body, net.now, ana.rng)
    assert link2.mailbox.id not in {m.id for m in ana.session.mailboxes(net.now)}


# 5 -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("mangle", [
    lambda link: link.replace("coterie://join#", "coterie://join/"),           # secret in path
    lambda link: link.replace("coterie://join#", "coterie://join?s="),         # in the query
    lambda link: link.replace("#", "/x#"),
    lambda link: link.rsplit(".", 2)[0] + "." + relay_wire.b64e(b"k" * 31) + "."
    + link.rsplit(".", 1)[1],                                                  # short secret
    lambda link: link.rsplit(".", 2)[0] + ".." + link.rsplit(".", 1)[1],       # empty secret
    lambda link: link.rsplit(".", 1)[0] + ".",                                 # empty IK
    lambda link: link.replace("#1.", "#2."),                                   # unknown version
    lambda link: link + ".extra",
    lambda link: "https://example.com/join#" + link.split("#", 1)[1],
    lambda link: "",
])
def test_attack_05_link_parser_rejects_misplaced_or_malformed_secrets(net: Net, mangle) -> None:  # type: ignore[no-untyped-def]
    ana = make_peer("ana")
    found(net, ana)
    info, _, _ = _invite(net, ana)
    with pytest.raises(InviteError):
        parse_invite_link(mangle(info.link))


def test_attack_05_the_secret_never_leaves_the_client(net: Net) -> None:
    ana, ben = make_peer("ana"), make_peer("ben")
    found(net, ana)
    info, link, _ = _invite(net, ana)
    assert "#" in info.link and link.relay_url == "https://relay.test"
    assert relay_wire.b64e(link.secret) not in info.link.split("#")[0]
    join(net, ana, ben)
    relay_visible = [mb for mb in net.boxes] + [b for box in net.boxes.values() for b in box]
    assert not any(link.secret in blob for blob in relay_visible)
    cap = link.mailbox.capability
    assert link.secret not in (cap.mailbox, cap.write_pk, cap.read_pk)


# 6 -----------------------------------------------------------------------------------------
def test_attack_06_bundle_or_welcome_not_from_the_link_ik_is_rejected(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session and ben.session
    info, link, bundle = _invite(net, ana)
    mallory = Identity.generate(net.now, DetRng("mallory"))
    swapped = parse_invite_link(info.link.rsplit(".", 1)[0] + "." + relay_wire.b64e(mallory.ik))
    with pytest.raises(AuthError):
        open_invite_bundle(swapped, net.boxes[link.mailbox.id][0], net.now)
    # a Welcome signed by another admin (Ben, promoted) is refused by the joiner
    net.send(ana.session.promote(ben.identity.ik, net.now, ana.rng))
    net.pump(ana, ben, cai)
    dan = make_peer("dan")
    pending, _ = PendingJoin.start(dan.identity, link, bundle, "Dan", net.now, dan.rng)
    payload = encode_welcome(ben.session.group_id, link.invite_id, "Book club", link.relay_url,
                             os.urandom(32), b"", [])
    fake = seal_welcome(ben.identity, link.secret, dan.identity.ik, dan.identity.spk, payload,
                        ben.rng)
    with pytest.raises(AuthError, match="not signed by the admin named in the link"):
        pending.open(fake, net.now, dan.rng)


# 7 -----------------------------------------------------------------------------------------
def test_attack_07_key_distribution_forwarded_to_another_recipient_is_rejected(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    box = seal_pairwise(ana.identity, ben.identity.ik, ben.identity.spk, labels.SIG_SENDER_KEY,
                        b"chain key for Ben", ana.rng)
    # Ben opens his box, then re-encrypts Ana's signed plaintext to Cai's prekey
    plaintext = box_open(ben.identity.prekey_secret(ben.identity.spk), box[:32], box[32:56],
                         box[56:])
    eph, nonce = os.urandom(32), os.urandom(24)
    forwarded = x25519_public(eph) + nonce + box_seal(eph, cai.identity.spk, nonce, plaintext)
    with pytest.raises(AuthError):
        open_pairwise(cai.identity, cai.identity.spk, labels.SIG_SENDER_KEY, forwarded)
    # the untouched box, opened by Cai, fails too (not her prekey)
    with pytest.raises(AuthError):
        open_pairwise(cai.identity, ben.identity.spk, labels.SIG_SENDER_KEY, box)
    assert open_pairwise(ben.identity, ben.identity.spk, labels.SIG_SENDER_KEY,
                         box) == (ana.identity.ik, b"chain key for Ben")


# 8 -----------------------------------------------------------------------------------------
def test_attack_08_type_confusion_between_posts_and_control_or_keys(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session and cai.session
    mailbox = _current(cai)
    post = ana.session.seal(Post("just a post"), net.now, ana.rng).outgoing.body
    raw = inner_of(cai.session, mailbox, post)
    for new_type in (TYPE_CONTROL, TYPE_SENDER_KEY):
        retyped = rebuild(raw, None, lambda hd, t=new_type: hd._replace(type=t))
        with pytest.raises(AuthError):
            cai.session.open(mailbox, reseal(cai.session, mailbox, retyped, cai.rng), net.now,
                             cai.rng)
    control = ana.session.rename("Renamed", net.now, ana.rng)[0].body
    raw = inner_of(cai.session, mailbox, control)
    as_post = rebuild(raw, None, lambda hd: hd._replace(type=TYPE_CONTENT))
    with pytest.raises(AuthError):
        cai.session.open(mailbox, reseal(cai.session, mailbox, as_post, cai.rng), net.now,
                         cai.rng)
    # the admin's signature on the entry is useless as an envelope signature (other label)
    from crypto.control import decode_entry
    from crypto.encoding import Reader
    entry = decode_entry(Reader(parse_inner(raw).body).var32())
    reused = rebuild(raw, None, sig=entry.sig)
    with pytest.raises(AuthError):
        cai.session.open(mailbox, reseal(cai.session, mailbox, reused, cai.rng), net.now,
                         cai.rng)
    assert cai.session.name == "Book club"


# 9 -----------------------------------------------------------------------------------------
def test_attack_09_ids_the_relay_or_a_joiner_chooses_confuse_nobody(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session and ben.session
    impostor = make_peer("imp")
    impostor.name = ana.name  # same display name as the founder
    join(net, ana, impostor, others=(ben, cai))
    assert impostor.session is not None
    names = [(m.name, m.role) for m in ben.session.members()]
    assert names.count(("Ana", "owner")) == 1 and ("Ana", "member") in names
    net.send(impostor.session.seal(Post("I am Ana"), net.now, impostor.rng).outgoing)
    net.pump(ana, ben, cai, impostor)
    got = [e for e in ben.of(ContentReceived) if e.content == Post("I am Ana")]
    assert got[0].sender_ik == impostor.identity.ik != ana.identity.ik
    assert fingerprint(impostor.identity.ik) != fingerprint(ana.identity.ik)
    # a mailbox id chosen by the relay (here: Ana's fingerprint bytes) reaches no keys
    fake_id = h(labels.HASH_FINGERPRINT, ana.identity.ik)
    with pytest.raises(UnknownMailbox):
        ben.session.open(fake_id, net.boxes[_current(ben)][-1], net.now, ben.rng)


# 10 ----------------------------------------------------------------------------------------
def test_attack_10_sender_key_from_anyone_but_its_owner_is_refused(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session and ben.session and cai.session
    outs = ana.session.rotate(net.now, ana.rng)
    control, ana_keys = outs[0], outs[1]
    mailbox = _current(cai)
    cai.session.open(mailbox, control.body, net.now, cai.rng)  # Cai enters the new epoch
    new_mailbox = ana_keys.mailbox.id
    raw = inner_of(cai.session, new_mailbox, ana_keys.body)
    # Ben wraps Ana's box for Cai into a sender-key message of his own
    stolen = rebuild(raw, ben.identity, lambda hd: hd._replace(sender_ik=ben.identity.ik))
    with pytest.raises(AuthError, match="from its owner"):
        cai.session.open(new_mailbox, reseal(cai.session, new_mailbox, stolen, cai.rng),
                         net.now, cai.rng)
    assert cai.session.state.epochs[cai.session.epoch].peers.get(ben.identity.ik) is None or \
        cai.session.state.epochs[cai.session.epoch].peers[ben.identity.ik].ck is None
    from crypto.encoding import Reader
    boxes = decode_box_list(Reader(parse_inner(raw).body))
    # Ben and Cai, and dummy entries (no one's IK) up to the group's member bucket
    assert {ben.identity.ik, cai.identity.ik} <= {b[0] for b in boxes}
    assert len(boxes) == MEMBER_BUCKETS[0] - 1


# 11 ----------------------------------------------------------------------------------------
def test_attack_11_replay_reorder_drop_and_tail_drop(trio: tuple[Peer, Peer, Peer],
                                                     net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session and ben.session
    mailbox = _current(ben)
    sealed = [ana.session.seal(Post(f"m{i}"), net.now + i, ana.rng) for i in range(6)]
    bodies = [s.outgoing.body for s in sealed]
    events = []
    for i in (1, 0):  # reordered
        events += ben.session.open(mailbox, bodies[i], net.now, ben.rng).events
    replay = ben.session.open(mailbox, bodies[0], net.now, ben.rng).events
    assert [w.kind for w in replay] == ["replay"]
    got = sorted((e for e in events if isinstance(e, ContentReceived)), key=lambda e: e.seq)
    assert [e.content.text for e in got] == ["m0", "m1"]  # type: ignore[union-attr]
    dropped = ben.session.open(mailbox, bodies[3], net.now, ben.rng).events  # m2 dropped
    gap = [e for e in dropped if isinstance(e, IntegrityWarning)]
    assert gap[0].kind == "gap" and gap[0].count == 1 and gap[0].sender_ik == ana.identity.ik
    # tail drop: m4, m5 never arrive; Ana's next heartbeat reveals them
    beat = ana.session.heartbeat(net.now + 10, ana.rng).body
    tail = [e for e in ben.session.open(mailbox, beat, net.now, ben.rng).events
            if isinstance(e, IntegrityWarning)]
    assert tail[0].kind == "gap" and tail[0].count == 2 and tail[0].sender_ik == ana.identity.ik
    # Cai's heartbeat, having seen everything of Ana's, tells Ben nothing new
    for body in bodies + [beat]:
        cai.session.open(mailbox, body, net.now, cai.rng)  # type: ignore[union-attr]
    cai_beat = cai.session.heartbeat(net.now + 20, cai.rng).body  # type: ignore[union-attr]
    again = ben.session.open(mailbox, cai_beat, net.now, ben.rng).events
    assert not [e for e in again if isinstance(e, IntegrityWarning)]


def test_attack_11_a_tail_drop_seen_by_another_member_is_reported(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session and ben.session and cai.session
    mailbox = _current(ben)
    bodies = [ana.session.seal(Post(f"t{i}"), net.now, ana.rng).outgoing.body for i in range(3)]
    for body in bodies:
        cai.session.open(mailbox, body, net.now, cai.rng)
    ben.session.open(mailbox, bodies[0], net.now, ben.rng)
    beat = cai.session.heartbeat(net.now, cai.rng).body
    warnings = [e for e in ben.session.open(mailbox, beat, net.now, ben.rng).events
                if isinstance(e, IntegrityWarning)]
    assert warnings[0].tail and warnings[0].count == 2 and warnings[0].sender_ik == ana.identity.ik


# 12 ----------------------------------------------------------------------------------------
def test_attack_12_valid_aead_but_wrong_signature_is_impersonation(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session and cai.session
    mailbox = _current(cai)
    raw = inner_of(cai.session, mailbox, ana.session.seal(Post("from Ana"), net.now,
                                                           ana.rng).outgoing.body)
    as_ben_signed = rebuild(raw, ben.identity)  # header still says Ana
    with pytest.raises(AuthError):
        cai.session.open(mailbox, reseal(cai.session, mailbox, as_ben_signed, cai.rng), net.now,
                         cai.rng)
    zero_sig = rebuild(raw, None, sig=bytes(64))
    with pytest.raises(AuthError):
        cai.session.open(mailbox, reseal(cai.session, mailbox, zero_sig, cai.rng), net.now,
                         cai.rng)
    # the genuine envelope still opens afterwards: the forgeries changed no state
    genuine = reseal(cai.session, mailbox, raw, cai.rng)
    assert isinstance(cai.session.open(mailbox, genuine, net.now, cai.rng).events[-1],
                      ContentReceived)


# 13 ----------------------------------------------------------------------------------------
def test_attack_13_ciphertext_not_matching_the_signed_plaintext_hash_is_caught(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session and ben.session and cai.session
    mailbox = _current(cai)
    raw = inner_of(cai.session, mailbox, ben.session.seal(Post("version for Ana"), net.now,
                                                           ben.rng).outgoing.body)
    # Ben signs the hash of one plaintext but ships a body that decrypts to another
    other = h(labels.HASH_PLAINTEXT, b"\x01\x01\x00\x00\x0fversion for Cai")
    lying = rebuild(raw, ben.identity, pt_hash=other)
    with pytest.raises(AuthError, match="plaintext"):
        cai.session.open(mailbox, reseal(cai.session, mailbox, lying, cai.rng), net.now,
                         cai.rng)


# 14 ----------------------------------------------------------------------------------------
def test_attack_14_removed_member_cannot_read_or_write_the_new_epoch(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session and ben.session and cai.session
    old = _current(cai)
    net.send(ana.session.remove(cai.identity.ik, net.now, ana.rng))
    net.pump(ana, ben, cai)
    new = ana.session.mailboxes(net.now)[0].capability
    net.send(ana.session.seal(Post("secret plans"), net.now, ana.rng).outgoing)
    post = net.boxes[new.mailbox][-1]
    with pytest.raises(UnknownMailbox):
        cai.session.open(new.mailbox, post, net.now, cai.rng)
    old_ep = cai.session.state.by_mailbox[old]  # every key Cai still holds fails on it
    from crypto.envelope import open_outer
    with pytest.raises(AuthError):
        open_outer(old_ep.header_key, new.mailbox, post)
    seeds = [old_ep.write_seed, old_ep.read_seed] + [
        mb.capability.write_seed for mb in cai.session.mailboxes(net.now)]
    message = relay_wire.append_message(new.mailbox, b"spam")
    assert not any(relay_wire.verify(new.write_pk, message, relay_wire.sign(s, message))
                   for s in seeds)
    assert new.mailbox not in {mb.id for mb in cai.session.mailboxes(net.now)}


# 15 ----------------------------------------------------------------------------------------
def test_attack_15_stale_epoch_message_after_the_grace_window_is_rejected(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session and ben.session and cai.session
    old = _current(ben)
    late = ben.session.seal(Post("too late"), net.now + GRACE_SECONDS + 1, ben.rng)
    in_time = ben.session.seal(Post("in time"), net.now + 60, ben.rng)
    net.send(ana.session.remove(cai.identity.ik, net.now, ana.rng))  # Ben has not seen it yet
    events = ana.session.open(old, in_time.outgoing.body, net.now, ana.rng).events
    assert isinstance(events[-1], ContentReceived)
    events = ana.session.open(old, late.outgoing.body, net.now, ana.rng).events
    assert [e.kind for e in events if isinstance(e, IntegrityWarning)] == ["stale_epoch"]
    assert not any(isinstance(e, ContentReceived) for e in events)


# 16 ----------------------------------------------------------------------------------------
def test_attack_16_every_relay_visible_length_is_a_bucket(trio: tuple[Peer, Peer, Peer],
                                                          net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session and ben.session and cai.session
    net.send(ana.session.seal(Post("x" * 30_000), net.now, ana.rng).outgoing)
    net.send(ben.session.seal(Post("y" * 3000), net.now, ben.rng).outgoing)
    net.send(cai.session.heartbeat(net.now, cai.rng))
    net.send(ana.session.rotate(net.now, ana.rng))
    net.pump(ana, ben, cai)
    sizes = {len(body) for box in net.boxes.values() for body in box}
    assert sizes <= set(BUCKETS) and len(sizes) >= 3
    assert max(BUCKETS) <= 65536


# 17 ----------------------------------------------------------------------------------------
def test_attack_17_no_nonce_repeats_across_a_million_encryptions(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session is not None
    seen = set()
    for _ in range(2000):  # nonces as the sealing code draws them, outer and inner
        out = ana.session.seal(Post("n"), net.now, os.urandom).outgoing.body
        seen.add(out[1:25])
        seen.add(parse_inner(inner_of(ana.session, out_mailbox(ana), out)).body[:24])
    assert len(seen) == 4000
    from crypto.primitives import random_bytes
    nonces = {random_bytes(os.urandom, 24) for _ in range(1_000_000)}
    assert len(nonces) == 1_000_000


def out_mailbox(peer: Peer) -> bytes:
    return _current(peer)


# 18 ----------------------------------------------------------------------------------------
def test_attack_18_seq_jump_beyond_the_cap_is_rejected_before_deriving_keys(
        trio: tuple[Peer, Peer, Peer], net: Net, monkeypatch: pytest.MonkeyPatch) -> None:
    ana, ben, cai = trio
    assert ana.session and ben.session
    mailbox = _current(ben)
    net.send(ana.session.seal(Post("before"), net.now, ana.rng).outgoing)
    net.pump(ben)
    chain = ben.session.state.epochs[ben.session.epoch].peers[ana.identity.ik]
    before = (chain.max_seq, chain.ck_index, chain.ck, dict(chain.skipped))
    ep = ana.session.state.epochs[ana.session.epoch]
    for _ in range(MAX_SKIP + 1):
        ep.next_own_key()  # Ana's chain runs far ahead without sending
    jumped = ana.session.seal(Post("far ahead"), net.now, ana.rng).outgoing.body
    calls = []
    real = chains.kdf
    monkeypatch.setattr(chains, "kdf", lambda *a, **k: calls.append(1) or real(*a, **k))
    with pytest.raises(ChainError):
        ben.session.open(mailbox, jumped, net.now, ben.rng)
    assert calls == []
    assert (chain.max_seq, chain.ck_index, chain.ck, dict(chain.skipped)) == before


# 19 ----------------------------------------------------------------------------------------
def test_attack_19_unknown_or_downgraded_version_is_rejected_and_signed(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session and cai.session
    mailbox = _current(cai)
    body = ana.session.seal(Post("v1"), net.now, ana.rng).outgoing.body
    with pytest.raises(VersionError):
        cai.session.open(mailbox, b"\x02" + body[1:], net.now, cai.rng)
    with pytest.raises(VersionError):
        cai.session.open(mailbox, b"\x00" + body[1:], net.now, cai.rng)
    raw = inner_of(cai.session, mailbox, body)
    for version in (0, 2):
        resigned = rebuild(raw, ana.identity, lambda hd, v=version: hd._replace(version=v))
        with pytest.raises(VersionError):
            cai.session.open(mailbox, reseal(cai.session, mailbox, resigned, cai.rng), net.now,
                             cai.rng)
    # the version byte is part of what the sender signs
    from crypto.envelope import signed_input
    inner = parse_inner(raw)
    signed = signed_input(inner.header_bytes, inner.body, inner.pt_hash)
    assert signed[len(labels.SIG_ENVELOPE) + 1] == 1


# 20 ----------------------------------------------------------------------------------------
def test_attack_20_non_canonical_encoding_or_trailing_bytes_is_rejected(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session and cai.session
    mailbox = _current(cai)
    raw = inner_of(cai.session, mailbox, ana.session.seal(Post("canonical"), net.now,
                                                           ana.rng).outgoing.body)
    with pytest.raises(DecodeError):
        cai.session.open(mailbox, reseal(cai.session, mailbox, raw + b"\x00\x01", cai.rng),
                         net.now, cai.rng)
    ep = cai.session.state.by_mailbox[mailbox]
    from crypto.envelope import OUTER_OVERHEAD
    from crypto.primitives import aead_seal
    bad_pad = raw + b"\x80\x01" + bytes(BUCKETS[0] - OUTER_OVERHEAD - len(raw) - 2)
    nonce = os.urandom(24)
    env = b"\x01" + nonce + aead_seal(ep.header_key, nonce, bad_pad, b"\x01" + mailbox)
    with pytest.raises(DecodeError, match="padding"):
        cai.session.open(mailbox, env, net.now, cai.rng)
    with pytest.raises(DecodeError):
        cai.session.open(mailbox, env[:-1], net.now, cai.rng)  # not a bucket length
    from crypto.control import decode_entry
    from crypto.payloads import decode_content
    entry = sign_entry(ControlEntry(cai.session.group_id, 9, bytes(32), ana.identity.ik, 0,
                                    OP_RENAME, 0, bytes(32), name_data("x")), ana.identity.sign)
    with pytest.raises(DecodeError):
        decode_entry(entry.encode() + b"\x00")
    with pytest.raises(DecodeError):
        decode_content(b"\x01\x01\x00\x00\x01ab")  # text length says 1, two bytes follow
    with pytest.raises(DecodeError):
        decode_content(b"\x01\x01\x02\x00\x00")  # a flag byte that is neither 0 nor 1
    with pytest.raises(CryptoError):
        relay_wire.b64d(relay_wire.b64e(b"\xff") + "=x")


# 21 ----------------------------------------------------------------------------------------
def test_attack_21_join_request_without_the_joiners_signature_is_rejected(net: Net) -> None:
    ana, ben = make_peer("ana"), make_peer("ben")
    found(net, ana)
    assert ana.session is not None
    info, link, bundle = _invite(net, ana)
    _, request = build_join_request(ben.identity, link, bundle, "Ben", net.now, ben.rng)
    _, body = open_invite(link.secret, request)
    spk, box = body[:32], body[32:]
    plaintext = box_open(ana.identity.prekey_secret(spk), box[:32], box[32:56], box[56:])
    unsigned = plaintext[:-64] + bytes(64)
    eph, nonce = os.urandom(32), os.urandom(24)
    rebox = x25519_public(eph) + nonce + box_seal(eph, spk, nonce, unsigned)
    forged = seal_invite(link.secret, TYPE_JOIN, spk + rebox, ben.rng)
    with pytest.raises(AuthError):
        ana.session.open(link.mailbox.id, forged, net.now, ana.rng)
    assert ana.session.join_requests() == []
    assert invite_key(link.secret) != link.secret


# 23 ----------------------------------------------------------------------------------------
def test_attack_23_no_automatic_receipts_and_mailbox_ids_differ_across_epochs(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session and ben.session and cai.session
    mailbox = _current(ben)
    post = ana.session.seal(Post("read me"), net.now, ana.rng).outgoing.body
    opened = ben.session.open(mailbox, post, net.now, ben.rng)
    assert opened.outgoing == [] and isinstance(opened.events[-1], ContentReceived)
    assert isinstance(ana.session.open(mailbox, post, net.now, ana.rng).events[-1], OwnEcho)
    ids = {mb.id for mb in ana.session.mailboxes(net.now)}
    for _ in range(3):
        net.send(ana.session.rotate(net.now, ana.rng))
        net.pump(ana, ben, cai)
        ids |= {mb.id for mb in ana.session.mailboxes(net.now)}
    assert len(ids) == len({ep for ep in ana.session.state.epochs}) >= 4
    changes = [e.mailbox.id for e in ben.of(EpochChanged)]
    assert len(changes) == len(set(changes))
    assert not any(isinstance(e, NotAllowed) for e in ben.events)


def test_attack_14_removed_member_cannot_flood_the_held_queue(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session and cai.session
    old = _current(cai)
    net.send(ana.session.remove(cai.identity.ik, net.now, ana.rng))
    net.pump(ana, cai)
    assert cai.session.status == "removed"  # forge what a modified old client could send
    ep = cai.session.state.by_mailbox[old]
    from crypto.envelope import HEADER, seal_outer
    held_before = len(ana.session.state.held)
    rejected = 0
    for seq in range(100, 300):
        header = HEADER.pack(4, 1, ana.session.group_id, ep.epoch, cai.identity.ik, seq,
                             bytes(32), 10_000, bytes(32), net.now)
        body = b"\x00\x00"
        pt_hash = h(labels.HASH_PLAINTEXT, body)
        from crypto.envelope import signed_input
        sig = cai.identity.sign(signed_input(header, body, pt_hash))
        inner = header + len(body).to_bytes(4, "big") + body + pt_hash + sig
        try:
            ana.session.open(old, seal_outer(ep.header_key, old, inner, cai.rng), net.now,
                             ana.rng)
        except AuthError:
            rejected += 1
    assert len(ana.session.state.held) - held_before <= 64 and rejected >= 136
