"""Moderation payloads (content kinds 32-37): signed by the moderator or admin who acts,
checked against their role by every receiver (crypto.governance), and turned into the
moderation log and its verdicts by each member's app the same way (app/moderation.py).

| kind | payload | fields | needs |
|---|---|---|---|
| 32 | ModRemove | target[32] ‖ text(reason) | moderate |
| 33 | Timeout | member[32] ‖ until u64 ‖ text(reason) | moderate |
| 34 | Lift | member[32] | moderate |
| 35 | Ban | member[32] ‖ text(reason) | manage_members |
| 36 | Unban | member[32] | manage_members |
| 37 | ChannelRule | channel[16] ‖ slowmode u32 ‖ locked u8 | moderate |
| 38 | GroupSettings | quiet u8 ‖ newcomer_days u16 [v2: ‖ approve_first u8] | manage_members |

Reasons are at most 200 bytes of UTF-8 (possibly empty). See docs/protocol.md §5.3.3.
"""
from __future__ import annotations

from dataclasses import dataclass

from crypto.encoding import Reader, Writer
from crypto.errors import DecodeError
from crypto.payloads import CHANNEL_ID_LEN, MESSAGE_ID_LEN, register_kind
from crypto.primitives import KEY_LEN

KIND_MOD_REMOVE = 32
KIND_TIMEOUT = 33
KIND_LIFT = 34
KIND_BAN = 35
KIND_UNBAN = 36
KIND_CHANNEL_RULE = 37
KIND_GROUP_SETTINGS = 38
MODERATION_KINDS = frozenset(range(KIND_MOD_REMOVE, KIND_GROUP_SETTINGS + 1))
MAX_NEWCOMER_DAYS = 365
MAX_REASON_BYTES = 200
MAX_SLOWMODE_SECONDS = 7 * 86400
_V1 = 1
_V2 = 2


@dataclass(frozen=True, slots=True)
class ModRemove:
    """A moderator or admin removes someone's post `target`, with an optional reason."""

    target: bytes
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Timeout:
    """`member` cannot post, react or vote from this message's signed time until `until`."""

    member: bytes
    until: int
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Lift:
    """Ends `member`'s timeout from this message's signed time."""

    member: bytes


@dataclass(frozen=True, slots=True)
class Ban:
    """An admin bans `member`: their join requests are refused through any invite (the
    removal itself is the remove entry sent with it)."""

    member: bytes
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Unban:
    member: bytes


@dataclass(frozen=True, slots=True)
class ChannelRule:
    """Slow mode (one post per `slowmode` seconds per member; 0 = off) and lock
    (read-only for members) of one channel, from this message's signed time."""

    channel: bytes
    slowmode: int = 0
    locked: bool = False


@dataclass(frozen=True, slots=True)
class GroupSettings:
    """Admins' moderation settings, from this message's signed time: `quiet` hides the
    moderation lines from the conversation (the log keeps them); for `newcomer_days` after
    joining a member cannot post links, mass mentions or files; with `approve_first` a
    new member's posts wait for a moderator's approval until one is approved (kind-version
    2; settings without it are written as version 1)."""

    quiet: bool = False
    newcomer_days: int = 0
    approve_first: bool = False


def _reason(text: str) -> str:
    if not isinstance(text, str) or len(text.encode("utf-8")) > MAX_REASON_BYTES:
        raise DecodeError(f"a reason is text of at most {MAX_REASON_BYTES} bytes")
    return text


def _ik(value: bytes) -> bytes:
    if not isinstance(value, bytes) or len(value) != KEY_LEN:
        raise DecodeError("a member is named by a 32-byte identity key")
    return value


def _enc_remove(c: ModRemove, w: Writer) -> None:
    w.u8(KIND_MOD_REMOVE).u8(_V1).fixed(c.target, MESSAGE_ID_LEN)
    w.text(_reason(c.reason), MAX_REASON_BYTES)


def _enc_timeout(c: Timeout, w: Writer) -> None:
    if not isinstance(c.until, int) or not 0 < c.until < 2**63:
        raise DecodeError("a timeout ends at a time")
    w.u8(KIND_TIMEOUT).u8(_V1).fixed(_ik(c.member), KEY_LEN).u64(c.until)
    w.text(_reason(c.reason), MAX_REASON_BYTES)


def _enc_lift(c: Lift, w: Writer) -> None:
    w.u8(KIND_LIFT).u8(_V1).fixed(_ik(c.member), KEY_LEN)


def _enc_ban(c: Ban, w: Writer) -> None:
    w.u8(KIND_BAN).u8(_V1).fixed(_ik(c.member), KEY_LEN).text(_reason(c.reason),
                                                                MAX_REASON_BYTES)


def _enc_unban(c: Unban, w: Writer) -> None:
    w.u8(KIND_UNBAN).u8(_V1).fixed(_ik(c.member), KEY_LEN)


def _check_rule(c: ChannelRule) -> ChannelRule:
    if not isinstance(c.channel, bytes) or len(c.channel) != CHANNEL_ID_LEN:
        raise DecodeError("a channel id is 16 bytes")
    if not isinstance(c.slowmode, int) or not 0 <= c.slowmode <= MAX_SLOWMODE_SECONDS:
        raise DecodeError("slow mode is 0 to 7 days")
    return c


def _enc_rule(c: ChannelRule, w: Writer) -> None:
    _check_rule(c)
    w.u8(KIND_CHANNEL_RULE).u8(_V1).fixed(c.channel, CHANNEL_ID_LEN).u32(c.slowmode)
    w.u8(1 if c.locked else 0)


def _dec_timeout(r: Reader) -> Timeout:
    member, until, reason = r.fixed(KEY_LEN), r.u64(), r.text(MAX_REASON_BYTES)
    if until == 0:
        raise DecodeError("a timeout ends at a time")
    return Timeout(member, until, reason)


def _check_settings(c: GroupSettings) -> GroupSettings:
    if not isinstance(c.newcomer_days, int) or not 0 <= c.newcomer_days <= MAX_NEWCOMER_DAYS:
        raise DecodeError("newcomer safeguards last 0 to 365 days")
    return c


def _enc_settings(c: GroupSettings, w: Writer) -> None:
    _check_settings(c)
    w.u8(KIND_GROUP_SETTINGS).u8(_V2 if c.approve_first else _V1).u8(1 if c.quiet else 0)
    w.u16(c.newcomer_days)
    if c.approve_first:
        w.u8(1)


def _dec_settings_v2(r: Reader) -> GroupSettings:
    quiet, days, approve = r.flag(), r.u16(), r.u8()
    if approve != 1:
        raise DecodeError("settings of version 2 carry approve_first = 1")
    return _check_settings(GroupSettings(quiet, days, True))


register_kind(KIND_MOD_REMOVE, _V1,
              lambda r: ModRemove(r.fixed(MESSAGE_ID_LEN), r.text(MAX_REASON_BYTES)),
              ModRemove, _enc_remove)
register_kind(KIND_TIMEOUT, _V1, _dec_timeout, Timeout, _enc_timeout)
register_kind(KIND_LIFT, _V1, lambda r: Lift(r.fixed(KEY_LEN)), Lift, _enc_lift)
register_kind(KIND_BAN, _V1, lambda r: Ban(r.fixed(KEY_LEN), r.text(MAX_REASON_BYTES)), Ban,
              _enc_ban)
register_kind(KIND_UNBAN, _V1, lambda r: Unban(r.fixed(KEY_LEN)), Unban, _enc_unban)
register_kind(KIND_CHANNEL_RULE, _V1,
              lambda r: _check_rule(ChannelRule(r.fixed(CHANNEL_ID_LEN), r.u32(), r.flag())),
              ChannelRule, _enc_rule)

register_kind(KIND_GROUP_SETTINGS, _V1,
              lambda r: _check_settings(GroupSettings(r.flag(), r.u16())), GroupSettings,
              _enc_settings)
register_kind(KIND_GROUP_SETTINGS, _V2, _dec_settings_v2)

Moderation = ModRemove | Timeout | Lift | Ban | Unban | ChannelRule | GroupSettings
