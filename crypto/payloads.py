"""Content payloads: what a member posts, typed and versioned.

Encoding: kind u8 ‖ kind-version u8 ‖ fields. A kind or kind-version this client does not
know decodes to `Unsupported` (kept, shown as "needs a newer version"), never an error,
so newer clients can add kinds. Malformed fields of a *known* kind are a DecodeError.

Kinds are registered, one `register_kind` call per (kind, kind-version) beside the
dataclass it decodes to: kinds 1-5 and the post's version 2 live here, channels and pins
(6-15) in crypto/spaces.py, and crypto/kinds.py imports every module that registers, so
`crypto.kinds.decode_content` knows them all. A new capability adds its module and one
import line there; nothing here changes.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from crypto.encoding import Reader, Writer
from crypto.errors import DecodeError
from crypto.params import MAX_EMOJI_BYTES, MAX_TEXT_BYTES
from crypto.quick import quick_init

MESSAGE_ID_LEN = 32
CHANNEL_ID_LEN = 16
# The channel every group starts with; posts written before channels existed are in it.
GENERAL = bytes(CHANNEL_ID_LEN)
MAX_TITLE_BYTES = 200
MAX_TAG_BYTES = 32
MAX_POST_TAGS = 8

KIND_POST = 1
KIND_REACTION = 2
KIND_EDIT = 3
KIND_DELETE = 4
KIND_ADMIN_REMOVE = 5
_V1 = 1
_V2 = 2

Decoder = Callable[[Reader], Any]
Encoder = Callable[[Any, Writer], None]
_DECODERS: dict[tuple[int, int], Decoder] = {}
_ENCODERS: dict[type, Encoder] = {}
_ADMIN_ONLY: set[type] = set()


def register_kind(kind: int, version: int, decode: Decoder,
                  cls: type | None = None, encode: Encoder | None = None, *,
                  admin_only: bool = False) -> None:
    """Teach the codec one (kind, kind-version). `decode` reads the fields after the two
    kind bytes (the codec checks nothing is left); `encode` writes the whole payload,
    kind bytes included, for instances of `cls` (one encoder per class, which may pick
    among the versions it registered). `admin_only`: only an admin may seal `cls`."""
    if not (0 < kind < 256 and 0 < version < 256):
        raise ValueError("kind and version are u8, not 0")
    if (kind, version) in _DECODERS:
        raise ValueError(f"content kind {kind} version {version} is registered twice")
    _DECODERS[(kind, version)] = decode
    if cls is not None and encode is not None:
        register_encoder(cls, encode, admin_only=admin_only)


def register_encoder(cls: type, encode: Encoder, *, admin_only: bool = False) -> None:
    """The encoder of one payload class (register_kind does this when given `cls`)."""
    if cls in _ENCODERS:
        raise ValueError(f"{cls.__name__} has an encoder already")
    _ENCODERS[cls] = encode
    if admin_only:
        _ADMIN_ONLY.add(cls)


def registered_kinds() -> frozenset[tuple[int, int]]:
    """Every (kind, kind-version) this client decodes; any other pair is Unsupported."""
    return frozenset(_DECODERS)


def admin_only(content: object) -> bool:
    """Whether only an admin may send this payload (AdminRemove, channels, pins)."""
    return type(content) in _ADMIN_ONLY


def _text(value: str) -> None:
    if not isinstance(value, str):
        raise DecodeError("text must be a string")


def _tags(values: tuple[str, ...], limit: int) -> None:
    if not isinstance(values, tuple) or len(values) > limit:
        raise DecodeError("too many tags")
    for tag in values:
        _text(tag)
        if not tag or len(tag.encode("utf-8")) > MAX_TAG_BYTES:
            raise DecodeError("a tag is 1..32 bytes")
    if list(values) != sorted(set(values)):
        raise DecodeError("tags must be sorted and unique")


def write_tags(w: Writer, values: tuple[str, ...], limit: int) -> None:
    _tags(values, limit)
    w.u8(len(values))
    for tag in values:
        w.text(tag, MAX_TAG_BYTES)


def read_tags(r: Reader, limit: int) -> tuple[str, ...]:
    n = r.u8()
    if n > limit:
        raise DecodeError("too many tags")
    values = tuple(r.text(MAX_TAG_BYTES) for _ in range(n))
    _tags(values, limit)
    return values


@quick_init   # one per received post: see crypto.quick
@dataclass(frozen=True, slots=True)
class Post:
    """A text post; `reply_to` is the message id of the post it quotes, if any.

    `channel` is the channel's 16-byte id (GENERAL by default); `thread` the message id
    of the thread's root when the post is a reply in a thread; `title` and `tags` make a
    top-level post a forum topic. A post with all four at their defaults is encoded as
    kind-version 1 (what clients before channels read), anything else as version 2.
    """

    text: str
    reply_to: bytes | None = None
    channel: bytes = GENERAL
    thread: bytes | None = None
    title: str = ""
    tags: tuple[str, ...] = ()

    @property
    def plain(self) -> bool:
        return (self.channel == GENERAL and self.thread is None and not self.title
                and not self.tags)


@dataclass(frozen=True, slots=True)
class Reaction:
    """An emoji reaction on `target` (a message id); `on=False` takes it back."""

    target: bytes
    emoji: str
    on: bool = True


@dataclass(frozen=True, slots=True)
class Edit:
    """The sender's new text for their own post `target`."""

    target: bytes
    text: str


@dataclass(frozen=True, slots=True)
class Delete:
    """The sender deletes their own post `target` (a tombstone; the text is dropped)."""

    target: bytes


@dataclass(frozen=True, slots=True)
class AdminRemove:
    """An admin removes someone else's post `target` (only honoured from an admin)."""

    target: bytes


@dataclass(frozen=True, slots=True)
class Unsupported:
    """A payload kind from a newer version: kept as bytes and shown as unsupported."""

    kind: int
    version: int
    raw: bytes


# The kinds every client knows; registered kinds (crypto/spaces.py, ...) are `Any` here.
Content = Post | Reaction | Edit | Delete | AdminRemove | Unsupported | Any


# -- posts ------------------------------------------------------------------------------------
def _check_post(p: Post) -> None:
    _text(p.text)
    _text(p.title)
    if not isinstance(p.channel, bytes) or len(p.channel) != CHANNEL_ID_LEN:
        raise DecodeError("a channel id is 16 bytes")
    if len(p.title.encode("utf-8")) > MAX_TITLE_BYTES:
        raise DecodeError("a title is at most 200 bytes")
    if p.thread is not None and (p.title or p.tags):
        raise DecodeError("a reply in a thread has no title or tags")
    _tags(p.tags, MAX_POST_TAGS)


def _encode_post(p: Post, w: Writer) -> None:
    _check_post(p)
    if p.plain:
        w.u8(KIND_POST).u8(_V1).opt(p.reply_to, MESSAGE_ID_LEN)
        w.text(p.text, MAX_TEXT_BYTES)
        return
    w.u8(KIND_POST).u8(_V2).opt(p.reply_to, MESSAGE_ID_LEN).fixed(p.channel, CHANNEL_ID_LEN)
    w.opt(p.thread, MESSAGE_ID_LEN).text(p.title, MAX_TITLE_BYTES)
    write_tags(w, p.tags, MAX_POST_TAGS)
    w.text(p.text, MAX_TEXT_BYTES)


def _decode_post_v1(r: Reader) -> Post:
    reply_to = r.opt(MESSAGE_ID_LEN)
    return Post(r.text(MAX_TEXT_BYTES), reply_to)


def _decode_post_v2(r: Reader) -> Post:
    reply_to = r.opt(MESSAGE_ID_LEN)
    channel = r.fixed(CHANNEL_ID_LEN)
    thread = r.opt(MESSAGE_ID_LEN)
    title = r.text(MAX_TITLE_BYTES)
    tags = read_tags(r, MAX_POST_TAGS)
    post = Post(r.text(MAX_TEXT_BYTES), reply_to, channel, thread, title, tags)
    _check_post(post)
    if post.plain:
        raise DecodeError("a post in General without thread, title or tags is version 1")
    return post


# -- reactions, edits, deletes ----------------------------------------------------------------
def _encode_reaction(c: Reaction, w: Writer) -> None:
    _text(c.emoji)
    if not c.emoji:
        raise DecodeError("a reaction needs an emoji")
    w.u8(KIND_REACTION).u8(_V1).fixed(c.target, MESSAGE_ID_LEN)
    w.u8(1 if c.on else 0).text(c.emoji, MAX_EMOJI_BYTES)


def _decode_reaction(r: Reader) -> Reaction:
    target = r.fixed(MESSAGE_ID_LEN)
    on = r.flag()
    emoji = r.text(MAX_EMOJI_BYTES)
    if not emoji:
        raise DecodeError("a reaction needs an emoji")
    return Reaction(target, emoji, on)


def _encode_edit(c: Edit, w: Writer) -> None:
    _text(c.text)
    w.u8(KIND_EDIT).u8(_V1).fixed(c.target, MESSAGE_ID_LEN).text(c.text, MAX_TEXT_BYTES)


def _decode_edit(r: Reader) -> Edit:
    target = r.fixed(MESSAGE_ID_LEN)
    return Edit(target, r.text(MAX_TEXT_BYTES))


def _encode_delete(c: Delete, w: Writer) -> None:
    w.u8(KIND_DELETE).u8(_V1).fixed(c.target, MESSAGE_ID_LEN)


def _encode_admin_remove(c: AdminRemove, w: Writer) -> None:
    w.u8(KIND_ADMIN_REMOVE).u8(_V1).fixed(c.target, MESSAGE_ID_LEN)


register_kind(KIND_POST, _V1, _decode_post_v1, Post, _encode_post)
register_kind(KIND_POST, _V2, _decode_post_v2)
register_kind(KIND_REACTION, _V1, _decode_reaction, Reaction, _encode_reaction)
register_kind(KIND_EDIT, _V1, _decode_edit, Edit, _encode_edit)
register_kind(KIND_DELETE, _V1, lambda r: Delete(r.fixed(MESSAGE_ID_LEN)), Delete, _encode_delete)
register_kind(KIND_ADMIN_REMOVE, _V1, lambda r: AdminRemove(r.fixed(MESSAGE_ID_LEN)),
              AdminRemove, _encode_admin_remove, admin_only=True)


# -- the codec --------------------------------------------------------------------------------
def encode_content(content: Content) -> bytes:
    """The canonical bytes of a payload (what the sender chain encrypts)."""
    w = Writer()
    if isinstance(content, Unsupported):
        w.u8(content.kind).u8(content.version).raw(content.raw)
        return w.bytes()
    encode = _ENCODERS.get(type(content))
    if encode is None:
        raise DecodeError("not a content payload")
    encode(content, w)
    return w.bytes()


def decode_post_fast(data: bytes) -> Post | None:
    """The common case (a v1 post) without the general reader; None to fall back."""
    if len(data) < 5 or data[0] != KIND_POST or data[1] != _V1:
        return None
    if data[2] == 0:
        start, reply_to = 3, None
    elif data[2] == 1 and len(data) >= 3 + MESSAGE_ID_LEN + 2:
        start, reply_to = 3 + MESSAGE_ID_LEN, data[3:3 + MESSAGE_ID_LEN]
    else:
        return None
    n = int.from_bytes(data[start:start + 2], "big")
    if n > MAX_TEXT_BYTES or start + 2 + n != len(data):
        return None
    try:
        return Post(data[start + 2:].decode("utf-8"), reply_to)
    except UnicodeDecodeError:
        return None


def decode_content(data: bytes) -> Content:
    """Parse a payload; unknown kinds/versions become Unsupported, bad known ones raise.

    Knows the kinds registered so far: call it through crypto.kinds to know them all.
    """
    fast = decode_post_fast(data)
    if fast is not None:
        return fast
    r = Reader(data)
    kind = r.u8()
    version = r.u8()
    decode = _DECODERS.get((kind, version))
    if decode is None:
        return Unsupported(kind, version, r.rest())
    content = decode(r)
    r.done()
    return content
