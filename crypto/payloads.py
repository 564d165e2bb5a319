"""Content payloads: what a member posts, typed and versioned.

Encoding: kind u8 ‖ kind-version u8 ‖ fields. A kind or kind-version this client does not
know decodes to `Unsupported` (kept, shown as "needs a newer version"), never an error,
so newer clients can add kinds. Malformed fields of a *known* kind are a DecodeError.
"""
from __future__ import annotations

from dataclasses import dataclass

from crypto.encoding import Reader, Writer
from crypto.errors import DecodeError
from crypto.file_payloads import (
    FILE_KINDS,
    Attachment,
    FileDelete,
    LibraryAdd,
    LibraryPin,
    LibraryRemove,
    decode_file_content,
    encode_file_content,
)
from crypto.params import MAX_EMOJI_BYTES, MAX_TEXT_BYTES

MESSAGE_ID_LEN = 32

KIND_POST = 1
KIND_REACTION = 2
KIND_EDIT = 3
KIND_DELETE = 4
KIND_ADMIN_REMOVE = 5
_V1 = 1


@dataclass(frozen=True, slots=True)
class Post:
    """A text post; `reply_to` is the message id of the post it answers, if any."""

    text: str
    reply_to: bytes | None = None


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


Content = (Post | Reaction | Edit | Delete | AdminRemove | Unsupported
           | Attachment | FileDelete | LibraryAdd | LibraryRemove | LibraryPin)


def _text(value: str) -> None:
    if not isinstance(value, str):
        raise DecodeError("text must be a string")


def encode_content(content: Content) -> bytes:
    """The canonical bytes of a payload (what the sender chain encrypts)."""
    w = Writer()
    if isinstance(content, Post):
        _text(content.text)
        w.u8(KIND_POST).u8(_V1).opt(content.reply_to, MESSAGE_ID_LEN)
        w.text(content.text, MAX_TEXT_BYTES)
    elif isinstance(content, Reaction):
        _text(content.emoji)
        if not content.emoji:
            raise DecodeError("a reaction needs an emoji")
        w.u8(KIND_REACTION).u8(_V1).fixed(content.target, MESSAGE_ID_LEN)
        w.u8(1 if content.on else 0).text(content.emoji, MAX_EMOJI_BYTES)
    elif isinstance(content, Edit):
        _text(content.text)
        w.u8(KIND_EDIT).u8(_V1).fixed(content.target, MESSAGE_ID_LEN)
        w.text(content.text, MAX_TEXT_BYTES)
    elif isinstance(content, Delete):
        w.u8(KIND_DELETE).u8(_V1).fixed(content.target, MESSAGE_ID_LEN)
    elif isinstance(content, AdminRemove):
        w.u8(KIND_ADMIN_REMOVE).u8(_V1).fixed(content.target, MESSAGE_ID_LEN)
    elif isinstance(content, Attachment | FileDelete | LibraryAdd | LibraryRemove | LibraryPin):
        return encode_file_content(content)
    elif isinstance(content, Unsupported):
        w.u8(content.kind).u8(content.version).raw(content.raw)
    else:
        raise DecodeError("not a content payload")
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
    """Parse a payload; unknown kinds/versions become Unsupported, bad known ones raise."""
    fast = decode_post_fast(data)
    if fast is not None:
        return fast
    r = Reader(data)
    kind = r.u8()
    version = r.u8()
    if kind in FILE_KINDS and version == _V1:
        return decode_file_content(kind, r)
    known = {KIND_POST, KIND_REACTION, KIND_EDIT, KIND_DELETE, KIND_ADMIN_REMOVE}
    if kind not in known or version != _V1:
        return Unsupported(kind, version, r.rest())
    content: Content
    if kind == KIND_POST:
        reply_to = r.opt(MESSAGE_ID_LEN)
        content = Post(r.text(MAX_TEXT_BYTES), reply_to)
    elif kind == KIND_REACTION:
        target = r.fixed(MESSAGE_ID_LEN)
        on = r.flag()
        emoji = r.text(MAX_EMOJI_BYTES)
        if not emoji:
            raise DecodeError("a reaction needs an emoji")
        content = Reaction(target, emoji, on)
    elif kind == KIND_EDIT:
        target = r.fixed(MESSAGE_ID_LEN)
        content = Edit(target, r.text(MAX_TEXT_BYTES))
    elif kind == KIND_DELETE:
        content = Delete(r.fixed(MESSAGE_ID_LEN))
    else:
        content = AdminRemove(r.fixed(MESSAGE_ID_LEN))
    r.done()
    return content
