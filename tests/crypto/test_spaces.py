"""Channels, threads and pins in the protocol core: the committed vectors
(tests/vectors/spaces_v1.json), the codec's canonical form, and the admin-only rules."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import crypto.errors
from crypto import (
    ROLE_ADMIN,
    ChannelDef,
    ContentReceived,
    Pin,
    Post,
    decode_content,
    encode_content,
)
from crypto.errors import NotAllowed
from crypto.spaces import RULE_ANNOUNCE, RULE_CHANNEL, RULE_PIN, check
from tests.crypto.conftest import Net, Peer
from tests.vectors import generate_spaces

VECTORS = Path(__file__).resolve().parent.parent / "vectors" / "spaces_v1.json"


def _doc() -> dict[str, Any]:
    return json.loads(VECTORS.read_text(encoding="utf-8"))


def test_the_committed_vectors_are_what_this_code_writes() -> None:
    assert generate_spaces.build() == _doc()


@pytest.mark.parametrize("vector", _doc()["known"], ids=lambda v: v["name"])
def test_known_payloads_decode_to_their_fields_and_re_encode_byte_for_byte(
        vector: dict[str, Any]) -> None:
    raw = bytes.fromhex(vector["payload"])
    content = decode_content(raw)
    assert generate_spaces._fields(content) == vector["fields"]
    assert encode_content(content) == raw


@pytest.mark.parametrize("vector", _doc()["negative"], ids=lambda v: v["name"])
def test_negative_payloads_raise_the_error_they_name(vector: dict[str, Any]) -> None:
    with pytest.raises(crypto.errors.CryptoError) as caught:
        decode_content(bytes.fromhex(vector["input"]))
    assert type(caught.value) is getattr(crypto.errors, vector["expect"])


def test_a_post_in_general_without_thread_or_title_stays_version_1() -> None:
    assert encode_content(Post("hi"))[:2] == b"\x01\x01"
    assert encode_content(Post("hi", channel=b"\x01" * 16))[:2] == b"\x01\x02"


def test_the_rules_name_what_only_admins_may_do() -> None:
    forum, news = ChannelDef(b"\x01" * 16, 1, "Forum"), b"\x02" * 16
    assert check(forum, False, None) == RULE_CHANNEL and check(forum, True, None) is None
    assert check(Pin(news, b"\x00" * 32), False, 2) == RULE_PIN
    assert check(Post("x", channel=news), False, 2) == RULE_ANNOUNCE
    assert check(Post("x", channel=news), True, 2) is None
    assert check(Post("x", channel=news, thread=b"\x07" * 32), False, 2) is None
    for row in _doc()["rules"]:
        content = decode_content(bytes.fromhex(next(
            v["payload"] for v in _doc()["known"]
            if v["name"] == {"channel": "channel_forum", "pin": "pin",
                             "top_level_post": "post_in_a_channel",
                             "thread_reply": "thread_reply_with_quote"}[row["payload"]])))
        assert (check(content, row["sender_admin"], row["channel_kind"]) or "allowed") == row["expect"]


def test_a_member_cannot_seal_a_channel_or_a_pin(trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    _ana, ben, _cai = trio
    assert ben.session is not None
    for content in (ChannelDef(b"\x01" * 16, 0, "Mine"), Pin(bytes(16), b"\x00" * 32)):
        with pytest.raises(NotAllowed):
            ben.session.seal(content, net.now, ben.rng)


def test_a_bent_client_s_channel_reaches_receivers_as_authentic_content_for_them_to_refuse(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    """Unlike admin remove, crypto does not drop these: the chain moves on (no false gap)
    and the app shows the refusal; the sender's role travels with the event."""
    ana, ben, cai = trio
    assert ben.session and cai.session and ana.session
    state = ben.session._state  # type: ignore[attr-defined]
    state.members[ben.identity.ik] = replace(state.members[ben.identity.ik], role=ROLE_ADMIN)
    net.send(ben.session.seal(ChannelDef(b"\x01" * 16, 0, "Mine"), net.now, ben.rng).outgoing)
    net.send(ben.session.seal(Post("after"), net.now, ben.rng).outgoing)
    before = len(cai.events)
    net.pump(cai)
    got = [e for e in cai.events[before:] if isinstance(e, ContentReceived)]
    assert [type(e.content) for e in got] == [ChannelDef, Post]
    sender = cai.session.member(got[0].sender_ik)
    assert sender is not None and sender.role != ROLE_ADMIN
    assert not [e for e in cai.events[before:] if type(e).__name__ == "IntegrityWarning"]
