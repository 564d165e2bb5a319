"""Channels and pins (content kinds 6 and 7) and the rules every receiver applies to them.

Channel ids are 16 bytes: GENERAL (16 zero bytes) exists in every group without a
definition; every other channel is a random id an admin defines with a ChannelDef. A
later private channel will be a sub-group whose group id is its channel id (both random
16 bytes): a ChannelDef kind-version 2 will carry what joining it needs, and clients of
this version keep that payload as unsupported. See docs/protocol.md §5.3.1.

The rules are pure functions over what the receiver knows (the sender's role and the
channel's kind): `check` names the rule a payload breaks, or None. Receivers keep a
broken payload out of the conversation and show that they did (app/inbound.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from crypto.encoding import Reader, Writer
from crypto.errors import DecodeError, reason
from crypto.payloads import (
    CHANNEL_ID_LEN,
    GENERAL,
    MESSAGE_ID_LEN,
    Post,
    read_tags,
    register_kind,
    write_tags,
)

KIND_CHANNEL = 6
KIND_PIN = 7
_V1 = 1

CHANNEL_CHAT = 0
CHANNEL_FORUM = 1
CHANNEL_ANNOUNCEMENTS = 2
CHANNEL_KINDS = {CHANNEL_CHAT: "chat", CHANNEL_FORUM: "forum",
                 CHANNEL_ANNOUNCEMENTS: "announcements"}
MAX_CHANNEL_NAME_BYTES = 64
MAX_TOPIC_BYTES = 512
MAX_CHANNEL_TAGS = 20
MAX_PINS = 50          # active pins per channel; receivers ignore pins beyond it

RULE_CHANNEL = reason("only admins can create or change channels")
RULE_PIN = reason("only admins can pin posts")
RULE_ANNOUNCE = reason("only admins and moderators can post in an announcements channel")
RULE_PINS_FULL = reason("a channel holds at most 50 pins")


@dataclass(frozen=True, slots=True)
class ChannelDef:
    """The whole definition of one channel, sent by an admin on every change.

    The newest definition of a channel (by sent time, then message id) wins, so every
    member converges on the same one whatever order the relay delivers them in.
    """

    channel: bytes
    kind: int
    name: str
    topic: str = ""
    position: int = 0
    archived: bool = False
    tags: tuple[str, ...] = ()    # the labels forum topics may carry, sorted, unique

    @property
    def kind_name(self) -> str:
        return CHANNEL_KINDS[self.kind]


@dataclass(frozen=True, slots=True)
class Pin:
    """An admin pins (on) or unpins (off) the post `target` in `channel`."""

    channel: bytes
    target: bytes
    on: bool = True


def _check_channel(c: ChannelDef) -> None:
    if not isinstance(c.channel, bytes) or len(c.channel) != CHANNEL_ID_LEN:
        raise DecodeError("a channel id is 16 bytes")
    if c.kind not in CHANNEL_KINDS:
        raise DecodeError("unknown channel kind")
    if not isinstance(c.name, str) or not c.name.strip():
        raise DecodeError("a channel needs a name")
    if len(c.name.encode("utf-8")) > MAX_CHANNEL_NAME_BYTES:
        raise DecodeError("a channel name is at most 64 bytes")
    if not isinstance(c.topic, str) or len(c.topic.encode("utf-8")) > MAX_TOPIC_BYTES:
        raise DecodeError("a channel topic is at most 512 bytes")
    if not 0 <= c.position <= 0xFFFF:
        raise DecodeError("a channel position is a u16")
    if c.channel == GENERAL and (c.kind != CHANNEL_CHAT or c.archived):
        raise DecodeError("General is a chat channel and is never archived")


def _encode_channel(c: ChannelDef, w: Writer) -> None:
    _check_channel(c)
    w.u8(KIND_CHANNEL).u8(_V1).fixed(c.channel, CHANNEL_ID_LEN).u8(c.kind)
    w.text(c.name, MAX_CHANNEL_NAME_BYTES).text(c.topic, MAX_TOPIC_BYTES).u16(c.position)
    w.u8(1 if c.archived else 0)
    write_tags(w, c.tags, MAX_CHANNEL_TAGS)


def _decode_channel(r: Reader) -> ChannelDef:
    channel = r.fixed(CHANNEL_ID_LEN)
    kind = r.u8()
    name = r.text(MAX_CHANNEL_NAME_BYTES)
    topic = r.text(MAX_TOPIC_BYTES)
    position = r.u16()
    archived = r.flag()
    c = ChannelDef(channel, kind, name, topic, position, archived, read_tags(r, MAX_CHANNEL_TAGS))
    _check_channel(c)
    return c


def _encode_pin(c: Pin, w: Writer) -> None:
    if len(c.channel) != CHANNEL_ID_LEN:
        raise DecodeError("a channel id is 16 bytes")
    w.u8(KIND_PIN).u8(_V1).fixed(c.channel, CHANNEL_ID_LEN).fixed(c.target, MESSAGE_ID_LEN)
    w.u8(1 if c.on else 0)


def _decode_pin(r: Reader) -> Pin:
    channel = r.fixed(CHANNEL_ID_LEN)
    target = r.fixed(MESSAGE_ID_LEN)
    return Pin(channel, target, r.flag())


register_kind(KIND_CHANNEL, _V1, _decode_channel, ChannelDef, _encode_channel, admin_only=True)
register_kind(KIND_PIN, _V1, _decode_pin, Pin, _encode_pin, admin_only=True)


def check(content: object, sender_is_admin: bool, channel_kind: int | None,
          sender_announces: bool | None = None) -> str | None:
    """The rule `content` breaks when sent by this sender into a channel of this kind
    (None: not defined yet), or None when it may be honoured. `sender_announces`: the
    sender's role may post top-level in an announcements channel (owner, admin, moderator;
    governance.ACT_ANNOUNCE); left out, only an admin may."""
    announces = sender_is_admin if sender_announces is None else sender_announces
    if isinstance(content, ChannelDef) and not sender_is_admin:
        return RULE_CHANNEL
    if isinstance(content, Pin) and not sender_is_admin:
        return RULE_PIN
    if (isinstance(content, Post) and content.thread is None and not announces
            and channel_kind == CHANNEL_ANNOUNCEMENTS):
        return RULE_ANNOUNCE
    return None


def top_level_allowed(channel_kind: int | None, announces: bool) -> bool:
    """Whether a top-level post (not a thread reply) by this sender stands in the channel:
    the same rule as `check`, for posts stored before their channel's definition arrived."""
    return announces or channel_kind != CHANNEL_ANNOUNCEMENTS
