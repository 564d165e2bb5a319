"""At the start of an epoch the relay sees the same traffic for every group size up to a
bucket: sender-key messages padded to the bucket's member count, and cover messages from
the member who started the epoch making up the number of envelopes (docs/protocol.md
§5.7). Receivers drop covers and dummy box entries without taking a key from them."""
from __future__ import annotations

import pytest

from crypto import (
    AuthError,
    ContentReceived,
    IntegrityWarning,
    Post,
    SenderKeyReceived,
    labels,
)
from crypto.encoding import Reader
from crypto.envelope import TYPE_COVER, TYPE_SENDER_KEY, parse_inner
from crypto.pairwise import decode_box_list, encode_box_list, group_key_payload, seal_pairwise
from crypto.params import MEMBER_BUCKETS
from crypto.primitives import h
from crypto.send import finish, header, seal_plain
from tests.crypto.conftest import Net, Peer, found, join, make_peer
from tests.crypto.forge import inner_of, rebuild, reseal


def _group(net: Net, size: int) -> list[Peer]:
    peers = [make_peer(name) for name in ("ana", "ben", "cai", "dan", "eve", "fay")[:size]]
    found(net, peers[0])
    for i, joiner in enumerate(peers[1:], start=1):
        join(net, peers[0], joiner, others=tuple(peers[1:i]))
    net.pump(*peers)
    return peers


def _epoch_start(size: int, change: str) -> tuple[list[int], list[int], list[Peer], Net]:
    """Lengths the relay sees for one epoch change in a group of `size`: the control
    message in the old mailbox, then everything in the new mailbox once all have read."""
    net = Net()
    peers = _group(net, size)
    admin = peers[0]
    assert admin.session is not None
    old = admin.session.mailboxes(net.now)[0].id
    before = len(net.boxes[old])
    if change == "rotate":
        net.send(admin.session.rotate(net.now, admin.rng))
    else:
        net.send(admin.session.remove(peers[-1].identity.ik, net.now, admin.rng))
        peers = peers[:-1]
    net.pump(*peers)
    new = admin.session.mailboxes(net.now)[0].id
    assert new != old
    return ([len(b) for b in net.boxes[old][before:]], [len(b) for b in net.boxes[new]],
            peers, net)


@pytest.mark.parametrize("change", ["rotate", "remove"])
def test_groups_of_three_and_five_look_the_same_to_the_relay_at_an_epoch_start(
        change: str) -> None:
    small = _epoch_start(3 if change == "rotate" else 4, change)
    large = _epoch_start(5 if change == "rotate" else 6, change)
    assert small[0] == large[0] and len(small[0]) == 1           # the control message
    assert small[1] == large[1]                                   # the new mailbox
    assert len(small[1]) == MEMBER_BUCKETS[0] and len(set(small[1])) == 1


def test_every_member_takes_every_real_key_and_nothing_from_the_padding() -> None:
    _, new_lengths, peers, net = _epoch_start(5, "rotate")
    admin = peers[0]
    assert admin.session is not None
    epoch = admin.session.epoch
    for peer in peers:
        got = {e.sender_ik for e in peer.events
               if isinstance(e, SenderKeyReceived) and e.epoch == epoch}
        assert got == {p.identity.ik for p in peers if p is not peer}
        assert not [w for w in peer.of(IntegrityWarning) if w.epoch == epoch]
    net.send(admin.session.seal(Post("after the covers"), net.now, admin.rng).outgoing)
    net.pump(*peers)
    for peer in peers[1:]:
        assert peer.posts()[-1] == "after the covers"


def test_covers_and_padded_sender_keys_are_what_the_spec_says() -> None:
    _, _, peers, net = _epoch_start(3, "rotate")
    admin, ben = peers[0], peers[1]
    assert admin.session and ben.session
    new = admin.session.mailboxes(net.now)[0].id
    inners = [parse_inner(inner_of(ben.session, new, body)) for body in net.boxes[new]]
    kinds = [(i.header.sender_ik, i.header.type) for i in inners]
    assert kinds.count((admin.identity.ik, TYPE_COVER)) == MEMBER_BUCKETS[0] - 3
    keys = [i for i in inners if i.header.type == TYPE_SENDER_KEY]
    assert len(keys) == 3
    for inner in keys:
        r = Reader(inner.body)
        entries = decode_box_list(r)
        r.done()
        assert len(entries) == MEMBER_BUCKETS[0] - 1
    assert len({len(i.body) for i in inners}) == 1


def test_a_cover_cannot_be_turned_into_a_sender_key() -> None:
    """Attack: the relay (or a member) relabels a cover as a sender key, or a member sends
    a signed cover whose body is a well-formed box list carrying a chain key."""
    net = Net()
    ana, ben, cai = _group(net, 3)
    assert ana.session and ben.session and cai.session
    old = ana.session.mailboxes(net.now)[0].id
    net.send(ana.session.rotate(net.now, ana.rng))
    net.pump(ana, cai)
    mailbox = ana.session.mailboxes(net.now)[0].id
    ben.cursors[old] = len(net.boxes[old])
    net.send(ben.session.open(old, net.boxes[old][-1], net.now, ben.rng).outgoing)
    assert ben.session.epoch == ana.session.epoch
    cover = next(b for b in net.boxes[mailbox]
                 if parse_inner(inner_of(ben.session, mailbox, b)).header.type == TYPE_COVER)
    retyped = rebuild(inner_of(ben.session, mailbox, cover), None,
                      lambda hd: hd._replace(type=TYPE_SENDER_KEY, seq=0))
    with pytest.raises(AuthError):
        ben.session.open(mailbox, reseal(ben.session, mailbox, retyped, ben.rng), net.now,
                         ben.rng)
    # Cai, a member, sends a cover shaped like a sender key for Ben, before its real one
    # reaches Ben: Ben must not take a chain key from it.
    box = seal_pairwise(cai.identity, ben.identity.ik, ben.identity.spk, labels.SIG_SENDER_KEY,
                        group_key_payload(cai.session.group_id, cai.session.epoch, bytes(32)),
                        cai.rng)
    body = encode_box_list([(ben.identity.ik, ben.identity.spk, box)])
    ep = cai.session.state.epochs[cai.session.epoch]
    forged = seal_plain(cai.session.state, ep, TYPE_COVER, body, net.now, cai.rng)
    opened = ben.session.open(mailbox, forged.body, net.now, ben.rng)
    assert not [e for e in opened.events if isinstance(e, SenderKeyReceived)]
    assert ben.session.state.epochs[ben.session.epoch].peers[cai.identity.ik].ck is None
    net.send(cai.session.seal(Post("Cai's real chain"), net.now, cai.rng).outgoing)
    net.pump(ben)
    assert [e.content for e in ben.events if isinstance(e, ContentReceived)][-1] == Post(
        "Cai's real chain")


def test_an_unpadded_sender_key_from_an_older_client_is_still_taken() -> None:
    """protocol_v1.json's senders did not pad: their key lists must still be accepted."""
    net = Net()
    ana, ben, cai = _group(net, 3)
    assert ana.session and ben.session and cai.session
    old = ana.session.mailboxes(net.now)[0].id
    net.send(ana.session.rotate(net.now, ana.rng))
    net.pump(ana, ben)
    cai.cursors[old] = len(net.boxes[old])
    cai.session.open(old, net.boxes[old][-1], net.now, cai.rng)   # its padded key: not sent
    state = cai.session.state
    ep = state.epochs[state.current]
    payload = group_key_payload(state.group_id, ep.epoch, ep.my_ck)
    body = encode_box_list([(m.ik, m.spk, seal_pairwise(cai.identity, m.ik, m.spk,
                                                        labels.SIG_SENDER_KEY, payload, cai.rng))
                            for m in state.members.values() if m.ik != cai.identity.ik])
    hb = header(state, ep, TYPE_SENDER_KEY, 0, bytes(32), net.now)
    net.send(finish(state, ep, hb, body, h(labels.HASH_PLAINTEXT, body), cai.rng))
    net.send(cai.session.seal(Post("from an older client"), net.now, cai.rng).outgoing)
    net.pump(ben)
    assert ben.posts()[-1] == "from an older client"
