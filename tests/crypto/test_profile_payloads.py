"""Profile and badge payloads (kinds 43-44): their encoding, and every client refusing a
profile update signed by someone other than its member and a badge from a non-admin
(docs/protocol.md §5.3.4)."""
from __future__ import annotations

import pytest

from crypto import (
    Badge,
    ContentReceived,
    ContentRefused,
    DecodeError,
    NotAllowed,
    Profile,
    decode_content,
    encode_content,
)
from tests.crypto.conftest import Net, Peer
from tests.crypto.test_roles import _forced_outgoing

IK = bytes(range(32))
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 60


@pytest.mark.parametrize("content", [
    Profile(IK), Profile(IK, "Ana L.", "she/her", "Reads everything.", "Europe/Berlin", JPEG),
    Profile(IK, bio="é" * 250), Badge(IK, "Mentor"), Badge(IK, "Host of the month", False)])
def test_each_profile_payload_round_trips(content: object) -> None:
    raw = encode_content(content)  # type: ignore[arg-type]
    assert raw[0] in (43, 44) and raw[1] == 1
    assert decode_content(raw) == content


def _profile(name: bytes = b"", bio: bytes = b"", avatar: bytes = b"") -> bytes:
    def text(b: bytes) -> bytes:
        return len(b).to_bytes(2, "big") + b
    return (bytes([43, 1]) + IK + text(name) + text(b"") + text(bio) + text(b"")
            + text(avatar))


@pytest.mark.parametrize("raw", [
    _profile(bio=b"x" * 501),                              # bio too long
    _profile(name=b"n" * 101),                             # name too long
    _profile(avatar=b"\x89PNG" + bytes(20)),               # not a JPEG
    _profile(avatar=b"\xff\xd8\xff" + bytes(16_382)),      # over 16 KiB
    _profile() + b"\x00",                                  # a trailing byte
    bytes([44, 1]) + IK + b"\x01" + (0).to_bytes(2, "big"),  # a badge without a title
    bytes([44, 1]) + IK + b"\x02" + (1).to_bytes(2, "big") + b"x",  # a flag of 2
    bytes([44, 1]) + IK + b"\x01" + (41).to_bytes(2, "big") + b"x" * 41,  # title too long
])
def test_malformed_profile_payloads_are_decode_errors(raw: bytes) -> None:
    with pytest.raises(DecodeError):
        decode_content(raw)


def test_a_profile_naming_another_member_and_a_members_badge_are_refused_everywhere(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    assert ana.session and ben.session and cai.session
    # honest: Ben's own profile, Ana's (an admin's) badge for Cai
    net.send(ben.session.seal(Profile(ben.identity.ik, "Benny"), net.now, ben.rng).outgoing)
    net.send(ana.session.seal(Badge(cai.identity.ik, "Mentor"), net.now, ana.rng).outgoing)
    # the sending client refuses both attacks before sealing
    with pytest.raises(NotAllowed, match="own profile"):
        ben.session.seal(Profile(ana.identity.ik, "Ana (real)"), net.now, ben.rng)
    with pytest.raises(NotAllowed, match="badges"):
        ben.session.seal(Badge(ben.identity.ik, "Admin"), net.now, ben.rng)
    # ATTACK: modified clients send them anyway
    net.send(_forced_outgoing(ben, Profile(ana.identity.ik, "Ana (real)", bio="send me keys"),
                              net))
    net.send(_forced_outgoing(cai, Badge(cai.identity.ik, "Owner"), net))
    net.pump(ana, ben, cai)
    for peer in (ana, ben, cai):
        got = [e.content for e in peer.of(ContentReceived)
               if isinstance(e.content, (Profile, Badge))]
        refused = sorted(r.reason for r in peer.of(ContentRefused))
        if peer is not ben:
            assert Profile(ben.identity.ik, "Benny") in got
        if peer is not ana:
            assert Badge(cai.identity.ik, "Mentor") in got
        assert all(not (isinstance(c, Profile) and c.member == ana.identity.ik) for c in got)
        assert all(not (isinstance(c, Badge) and c.title == "Owner") for c in got)
        expect = [r for who, r in ((ben, "a member can change only their own profile"),
                                   (cai, "only an admin can grant or revoke badges"))
                  if who is not peer]
        assert refused == sorted(expect), (peer.name, refused)
