"""Per-group profiles and badges (content kinds 43-44), docs/protocol.md §5.3.4.

| kind | payload | fields (kind_version 1) | who |
|---|---|---|---|
| 43 | Profile | member[32] ‖ name text(0..100) ‖ pronouns text(0..40) ‖ bio text(0..500) ‖ tz text(0..64) ‖ var16(avatar, 0..16384) | the member named, only |
| 44 | Badge | member[32] ‖ on u8 ‖ title text(1..40) | manage_roles (owner, admin) |

A profile is the member's whole profile in this group, newest (in the sender's write
order) wins; it names its member so a profile update is bound to one identity: every
client refuses one whose member is not the envelope's signer (`refusal`). An avatar, when
present, is a baseline or progressive JPEG (it starts with FF D8 FF); the sender re-encodes
it (app/avatars.py), receivers check its header before anything decodes it
(app/avatar_check.py). Kinds 45-47 are reserved for profiles and recognition.
"""
from __future__ import annotations

from dataclasses import dataclass

from crypto.encoding import Reader, Writer
from crypto.errors import DecodeError, reason
from crypto.payloads import register_kind
from crypto.primitives import KEY_LEN

KIND_PROFILE = 43
KIND_BADGE = 44
PROFILE_KINDS = frozenset({KIND_PROFILE, KIND_BADGE})
MAX_PROFILE_NAME_BYTES = 100
MAX_PRONOUNS_BYTES = 40
MAX_BIO_BYTES = 500
MAX_TZ_BYTES = 64
MAX_AVATAR_BYTES = 16_384
MAX_TITLE_BYTES = 40
JPEG_MAGIC = b"\xff\xd8\xff"
_V1 = 1


@dataclass(frozen=True, slots=True)
class Profile:
    """`member`'s profile in this group: what the others see on the profile card.

    Empty fields are unset (an empty name shows the member's name from the member list).
    """

    member: bytes
    name: str = ""
    pronouns: str = ""
    bio: str = ""
    timezone: str = ""
    avatar: bytes = b""


@dataclass(frozen=True, slots=True)
class Badge:
    """An admin grants (`on`) or revokes a title such as "Mentor" for `member`."""

    member: bytes
    title: str
    on: bool = True


def _ik(value: bytes) -> bytes:
    if not isinstance(value, bytes) or len(value) != KEY_LEN:
        raise DecodeError("a member is named by a 32-byte identity key")
    return value


def _check_profile(p: Profile) -> Profile:
    _ik(p.member)
    for value in (p.name, p.pronouns, p.bio, p.timezone):
        if not isinstance(value, str):
            raise DecodeError("profile fields are text")
    if not isinstance(p.avatar, bytes) or len(p.avatar) > MAX_AVATAR_BYTES:
        raise DecodeError(f"an avatar is at most {MAX_AVATAR_BYTES} bytes")
    if p.avatar and not p.avatar.startswith(JPEG_MAGIC):
        raise DecodeError("an avatar is a JPEG image")
    return p


def _check_badge(b: Badge) -> Badge:
    _ik(b.member)
    if not isinstance(b.title, str) or not b.title.strip():
        raise DecodeError("a badge has a title")
    if len(b.title.encode("utf-8")) > MAX_TITLE_BYTES:
        raise DecodeError(f"a badge title is at most {MAX_TITLE_BYTES} bytes")
    return b


def _enc_profile(p: Profile, w: Writer) -> None:
    _check_profile(p)
    w.u8(KIND_PROFILE).u8(_V1).fixed(p.member, KEY_LEN)
    w.text(p.name, MAX_PROFILE_NAME_BYTES).text(p.pronouns, MAX_PRONOUNS_BYTES)
    w.text(p.bio, MAX_BIO_BYTES).text(p.timezone, MAX_TZ_BYTES).var16(p.avatar)


def _dec_profile(r: Reader) -> Profile:
    return _check_profile(Profile(
        r.fixed(KEY_LEN), r.text(MAX_PROFILE_NAME_BYTES), r.text(MAX_PRONOUNS_BYTES),
        r.text(MAX_BIO_BYTES), r.text(MAX_TZ_BYTES), r.var16(MAX_AVATAR_BYTES)))


def _enc_badge(b: Badge, w: Writer) -> None:
    _check_badge(b)
    w.u8(KIND_BADGE).u8(_V1).fixed(b.member, KEY_LEN).u8(1 if b.on else 0)
    w.text(b.title, MAX_TITLE_BYTES)


def _dec_badge(r: Reader) -> Badge:
    member, on = r.fixed(KEY_LEN), r.flag()
    return _check_badge(Badge(member, r.text(MAX_TITLE_BYTES), on))


def refusal(content: object, sender_ik: bytes) -> str | None:
    """Why every client refuses a profile that names someone other than its signer."""
    if isinstance(content, Profile) and content.member != sender_ik:
        return reason("a member can change only their own profile")
    return None


register_kind(KIND_PROFILE, _V1, _dec_profile, Profile, _enc_profile)
register_kind(KIND_BADGE, _V1, _dec_badge, Badge, _enc_badge)
