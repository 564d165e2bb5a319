"""Payloads of files and the resource library (content kinds 24-31, docs/protocol.md §15).

    24 Attachment     a post with files: channel, reply, caption, 1..MAX_FILES FileRefs
    25 FileDelete     the sender withdraws the files of their own attachment post
    26 LibraryAdd     save a post (or one link of it) to the group's library
    27 LibraryRemove  take a library item out (its author, or an admin)
    28 LibraryPin     an admin pins / unpins a library item

Everything here sits inside the signed, encrypted envelope like every other payload, so
the relay sees none of it: not the blob ids, not the keys, not the names.
"""
from __future__ import annotations

from dataclasses import dataclass

from crypto.encoding import Reader, Writer
from crypto.errors import DecodeError
from crypto.files import BLOB_ID_LEN, HASH_LEN, KEY_LEN, MAX_FILE_BYTES, blob_size_for
from crypto.params import MAX_TEXT_BYTES

MESSAGE_ID_LEN = 32
CHANNEL_ID_LEN = 16
GENERAL_CHANNEL = bytes(CHANNEL_ID_LEN)

KIND_ATTACHMENT = 24
KIND_FILE_DELETE = 25
KIND_LIBRARY_ADD = 26
KIND_LIBRARY_REMOVE = 27
KIND_LIBRARY_PIN = 28
KIND_LIBRARY_TAGS = 29
FILE_KINDS = frozenset({KIND_ATTACHMENT, KIND_FILE_DELETE, KIND_LIBRARY_ADD,
                        KIND_LIBRARY_REMOVE, KIND_LIBRARY_PIN, KIND_LIBRARY_TAGS})
_V1 = 1

MAX_FILES = 10               # files per post
MAX_THUMB_BYTES = 4096       # embedded preview per file
MAX_FILE_NAME_BYTES = 255
MAX_MEDIA_TYPE_BYTES = 127
MAX_CAPTION_BYTES = 8000     # leaves room for ten previews in the 64 KiB envelope
MAX_TITLE_BYTES = 300
MAX_DESCRIPTION_BYTES = 2000
MAX_TAGS = 16
MAX_TAG_BYTES = 48
MAX_DIMENSION = 1 << 16


@dataclass(frozen=True, slots=True)
class FileRef:
    """One file of an attachment post: where its blob is and how to open it.

    `key` is the file's own secret; whoever learns it can download and read the file, so
    it lives only inside signed posts and the encrypted store. `blob_hash` is
    BLAKE2b-256("cot/file/blob") of the whole padded blob; `blob_size` is implied by
    `size` (crypto.files.blob_size_for) and not sent.
    """

    blob_id: bytes
    key: bytes
    blob_hash: bytes
    size: int
    media_type: str
    name: str
    width: int = 0
    height: int = 0
    thumbnail: bytes = b""

    @property
    def blob_size(self) -> int:
        return blob_size_for(self.size)


@dataclass(frozen=True, slots=True)
class Attachment:
    files: tuple[FileRef, ...]
    caption: str = ""
    channel: bytes = GENERAL_CHANNEL
    reply_to: bytes | None = None


@dataclass(frozen=True, slots=True)
class FileDelete:
    """The sender deletes the files of their attachment post `target` (and the post)."""

    target: bytes


@dataclass(frozen=True, slots=True)
class LibraryAdd:
    """Save post `target` to the library; `link` picks one link of it ("" = the post)."""

    target: bytes
    title: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    link: str = ""


@dataclass(frozen=True, slots=True)
class LibraryRemove:
    """Take library item `item` (the message id of its LibraryAdd) out of the library."""

    item: bytes


@dataclass(frozen=True, slots=True)
class LibraryPin:
    item: bytes
    pinned: bool = True


@dataclass(frozen=True, slots=True)
class LibraryTags:
    """An admin replaces the tags of library item `item` (admins only, checked on arrival)."""

    item: bytes
    tags: tuple[str, ...] = ()


FileContent = Attachment | FileDelete | LibraryAdd | LibraryRemove | LibraryPin | LibraryTags


def _check_ref(f: FileRef) -> None:
    if not 0 <= f.size <= MAX_FILE_BYTES:
        raise DecodeError(f"a file must be at most {MAX_FILE_BYTES} bytes")
    if not (0 <= f.width < MAX_DIMENSION and 0 <= f.height < MAX_DIMENSION):
        raise DecodeError("image dimensions out of range")
    if not f.media_type.isascii() or not f.media_type.isprintable():
        raise DecodeError("a media type is printable ASCII")
    if len(f.thumbnail) > MAX_THUMB_BYTES:
        raise DecodeError("a preview is too large")


def _write_ref(w: Writer, f: FileRef) -> None:
    _check_ref(f)
    w.fixed(f.blob_id, BLOB_ID_LEN).fixed(f.key, KEY_LEN).fixed(f.blob_hash, HASH_LEN)
    w.u64(f.size).text(f.media_type, MAX_MEDIA_TYPE_BYTES).text(f.name, MAX_FILE_NAME_BYTES)
    w.u32(f.width).u32(f.height).var16(f.thumbnail)


def _read_ref(r: Reader) -> FileRef:
    ref = FileRef(r.fixed(BLOB_ID_LEN), r.fixed(KEY_LEN), r.fixed(HASH_LEN), r.u64(),
                  r.text(MAX_MEDIA_TYPE_BYTES), r.text(MAX_FILE_NAME_BYTES), r.u32(), r.u32(),
                  r.var16(MAX_THUMB_BYTES))
    _check_ref(ref)
    return ref


def _tags(tags: tuple[str, ...]) -> None:
    if len(tags) > MAX_TAGS or any(not t or len(t.encode()) > MAX_TAG_BYTES for t in tags):
        raise DecodeError(f"at most {MAX_TAGS} tags of 1..{MAX_TAG_BYTES} bytes")


def encode_file_content(content: FileContent) -> bytes:
    w = Writer()
    if isinstance(content, Attachment):
        if not 1 <= len(content.files) <= MAX_FILES:
            raise DecodeError(f"a post carries 1 to {MAX_FILES} files")
        if len({f.blob_id for f in content.files}) != len(content.files):
            raise DecodeError("a post names a blob twice")
        w.u8(KIND_ATTACHMENT).u8(_V1).fixed(content.channel, CHANNEL_ID_LEN)
        w.opt(content.reply_to, MESSAGE_ID_LEN).text(content.caption, MAX_CAPTION_BYTES)
        w.u8(len(content.files))
        for f in content.files:
            _write_ref(w, f)
    elif isinstance(content, FileDelete):
        w.u8(KIND_FILE_DELETE).u8(_V1).fixed(content.target, MESSAGE_ID_LEN)
    elif isinstance(content, LibraryAdd):
        _tags(content.tags)
        w.u8(KIND_LIBRARY_ADD).u8(_V1).fixed(content.target, MESSAGE_ID_LEN)
        w.text(content.title, MAX_TITLE_BYTES).text(content.description, MAX_DESCRIPTION_BYTES)
        w.u8(len(content.tags))
        for tag in content.tags:
            w.text(tag, MAX_TAG_BYTES)
        w.text(content.link, MAX_TEXT_BYTES)
    elif isinstance(content, LibraryRemove):
        w.u8(KIND_LIBRARY_REMOVE).u8(_V1).fixed(content.item, MESSAGE_ID_LEN)
    elif isinstance(content, LibraryPin):
        w.u8(KIND_LIBRARY_PIN).u8(_V1).fixed(content.item, MESSAGE_ID_LEN)
        w.u8(1 if content.pinned else 0)
    elif isinstance(content, LibraryTags):
        _tags(content.tags)
        w.u8(KIND_LIBRARY_TAGS).u8(_V1).fixed(content.item, MESSAGE_ID_LEN)
        w.u8(len(content.tags))
        for tag in content.tags:
            w.text(tag, MAX_TAG_BYTES)
    else:
        raise DecodeError("not a file payload")
    return w.bytes()


def decode_file_content(kind: int, r: Reader) -> FileContent:
    """Fields of a v1 file payload of `kind` (its two header bytes already read)."""
    content: FileContent
    if kind == KIND_ATTACHMENT:
        channel = r.fixed(CHANNEL_ID_LEN)
        reply_to = r.opt(MESSAGE_ID_LEN)
        caption = r.text(MAX_CAPTION_BYTES)
        count = r.u8()
        if not 1 <= count <= MAX_FILES:
            raise DecodeError(f"a post carries 1 to {MAX_FILES} files")
        files = tuple(_read_ref(r) for _ in range(count))
        if len({f.blob_id for f in files}) != count:
            raise DecodeError("a post names a blob twice")
        content = Attachment(files, caption, channel, reply_to)
    elif kind == KIND_FILE_DELETE:
        content = FileDelete(r.fixed(MESSAGE_ID_LEN))
    elif kind == KIND_LIBRARY_ADD:
        target = r.fixed(MESSAGE_ID_LEN)
        title = r.text(MAX_TITLE_BYTES)
        description = r.text(MAX_DESCRIPTION_BYTES)
        n = r.u8()
        tags = tuple(r.text(MAX_TAG_BYTES) for _ in range(n))
        _tags(tags)
        content = LibraryAdd(target, title, description, tags, r.text(MAX_TEXT_BYTES))
    elif kind == KIND_LIBRARY_REMOVE:
        content = LibraryRemove(r.fixed(MESSAGE_ID_LEN))
    elif kind == KIND_LIBRARY_PIN:
        content = LibraryPin(r.fixed(MESSAGE_ID_LEN), r.flag())
    elif kind == KIND_LIBRARY_TAGS:
        item = r.fixed(MESSAGE_ID_LEN)
        n = r.u8()
        tags = tuple(r.text(MAX_TAG_BYTES) for _ in range(n))
        _tags(tags)
        content = LibraryTags(item, tags)
    else:
        raise DecodeError("not a file payload")
    r.done()
    return content
