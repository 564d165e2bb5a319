"""Reports, rules and first-post approval (kinds 39-42, docs/protocol.md §5.3.4): a report
opens for the moderators and admins it names and for no one else, its evidence proves the
reported post's author and refuses anything altered; a resolution or an approval from a
member, and a rules change from a moderator, are refused by every client; the invite
carries the rules and the join request the hash of the rules accepted."""
from __future__ import annotations

import pytest

from crypto import (
    AuthError,
    ContentReceived,
    ContentRefused,
    DecodeError,
    InviteError,
    Post,
    decode_content,
    encode_content,
    open_invite_bundle,
    parse_invite_link,
)
from crypto import reports as wire
from crypto.pending import PendingJoin
from tests.crypto.conftest import Net, Peer, found, make_peer
from tests.crypto.test_roles import _forced_outgoing


def _received(peer: Peer, kind: type) -> list[ContentReceived]:
    return [e for e in peer.events if isinstance(e, ContentReceived)
            and isinstance(e.content, kind)]


def _setup(trio: tuple[Peer, Peer, Peer], net: Net) -> tuple[Peer, Peer, Peer, ContentReceived]:
    ana, ben, cai = trio
    assert ana.session and ben.session and cai.session
    net.send(ana.session.set_role(ben.identity.ik, "moderator", net.now, ana.rng))
    net.pump(ana, ben, cai)
    net.send(cai.session.seal(Post("spam, spam, spam"), net.now, cai.rng).outgoing)
    net.pump(ana, ben, cai)
    [post] = [e for e in _received(ana, Post) if e.content.text == "spam, spam, spam"]
    return ana, ben, cai, post


def test_a_report_opens_for_its_moderators_only_and_proves_the_author(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai, post = _setup(trio, net)
    assert ana.session and ben.session and cai.session
    gid = ana.session.group_id
    assert post.evidence
    checked = wire.check_evidence(post.evidence, gid)
    assert checked.author_ik == cai.identity.ik and checked.message_id == post.message_id
    ben_m = ana.session.member(ben.identity.ik)
    assert ben_m is not None
    report = wire.make_report(ana.identity, gid, [(ben_m.ik, ben_m.spk)], "spam", "details",
                              post.evidence, ana.rng)
    assert decode_content(encode_content(report)) == report
    net.send(ana.session.seal(report, net.now, ana.rng).outgoing)
    net.pump(ana, ben, cai)
    [got_ben] = _received(ben, wire.Report)
    body = wire.open_report(ben.identity, gid, got_ben.content, ana.identity.ik)
    assert body is not None and body.reason == "spam" and body.text == "details"
    assert wire.check_evidence(body.evidence, gid).author_ik == cai.identity.ik
    # Cai (a member, and the reported author) receives the envelope but holds no key for it
    [got_cai] = _received(cai, wire.Report)
    assert wire.open_report(cai.identity, gid, got_cai.content, ana.identity.ik) is None
    # a box claimed by someone other than the reporter does not open
    with pytest.raises(AuthError):
        wire.open_report(ben.identity, gid, got_ben.content, cai.identity.ik)


def test_evidence_refuses_an_altered_post_or_another_group(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, _ben, _cai, post = _setup(trio, net)
    assert ana.session
    gid = ana.session.group_id
    ev = bytearray(post.evidence)
    ev[-3] ^= 1                                   # a letter of the text changed
    with pytest.raises(AuthError):
        wire.check_evidence(bytes(ev), gid)
    ev = bytearray(post.evidence)
    ev[140] ^= 1                                  # the body hash: the signature breaks
    with pytest.raises(AuthError):
        wire.check_evidence(bytes(ev), gid)
    with pytest.raises(AuthError):
        wire.check_evidence(post.evidence, bytes(16))
    with pytest.raises(DecodeError):
        wire.check_evidence(post.evidence + b"\x00", gid)


@pytest.mark.parametrize("content", [wire.ReportResolved(bytes(16), "remove"),
                                     wire.Approval(bytes(32), True)])
def test_a_resolution_or_approval_from_a_member_is_refused_by_everyone(
        trio: tuple[Peer, Peer, Peer], net: Net, content: object) -> None:
    ana, ben, cai, _post = _setup(trio, net)
    net.send(_forced_outgoing(cai, content, net))
    net.pump(ana, ben, cai)
    for peer in (ana, ben):
        refused = [e for e in peer.events if isinstance(e, ContentRefused)]
        assert refused and "moderator" in refused[-1].reason
        assert not _received(peer, type(content))


def test_a_rules_change_from_a_moderator_is_refused_by_everyone(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai, _post = _setup(trio, net)
    net.send(_forced_outgoing(ben, wire.Rules("moderators rule"), net))
    net.pump(ana, ben, cai)
    for peer in (ana, cai):
        refused = [e for e in peer.events if isinstance(e, ContentRefused)]
        assert refused and refused[-1].reason == "only an admin can change the group's rules"
    assert ana.session
    net.send(ana.session.seal(wire.Rules("be kind"), net.now, ana.rng).outgoing)
    net.pump(ana, ben, cai)
    assert [e.content.text for e in _received(cai, wire.Rules)] == ["be kind"]


def test_the_invite_carries_the_rules_and_the_request_their_hash(net: Net) -> None:
    ana, bo = make_peer("ana"), make_peer("bo")
    found(net, ana)
    assert ana.session
    info, bundle_out = ana.session.create_invite(1, net.now + 3600, net.now, ana.rng,
                                                 rules="# Rules\nBe kind.")
    net.send(bundle_out)
    link = parse_invite_link(info.link)
    bundle = open_invite_bundle(link, net.boxes[link.mailbox.id][0], net.now)
    assert bundle.rules == "# Rules\nBe kind."
    with pytest.raises(InviteError):
        PendingJoin.start(bo.identity, link, bundle, "Bo", net.now, bo.rng)
    pending, request = PendingJoin.start(bo.identity, link, bundle, "Bo", net.now, bo.rng,
                                         accept_rules=True)
    assert PendingJoin.from_bytes(pending.to_bytes(), bo.identity).bundle.rules == bundle.rules
    net.send(request)
    net.pump(ana)
    [req] = ana.session.join_requests()
    assert req.rules_hash == wire.rules_hash("# Rules\nBe kind.")
