"""Write the committed channel/thread/pin vectors: `python -m tests.vectors.generate_spaces`.

spaces_v1.json  known-answer content payloads of kinds 1 (version 2), 6 and 7 with the
                fields they carry (docs/protocol.md §5.3, §5.3.1); negative payloads, each
                with the error it must raise; and the receiver's rules as (payload,
                sender is admin, channel kind) → the rule broken or "allowed".

Provenance: Coterie's own crypto/payloads.py and crypto/spaces.py (protocol version 1);
no randomness (ids are fixed patterns). tests/crypto/test_spaces.py regenerates the file
and compares byte for byte; tests/vectors/test_spec_decoder.py reads it from the spec.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from crypto import ChannelDef, Pin, Post, encode_content
from crypto.spaces import check

OUT = Path(__file__).resolve().parent / "spaces_v1.json"
GENERAL = bytes(16)
FORUM = bytes(range(1, 17))
NEWS = bytes(range(0xA0, 0xB0))
ROOT = bytes(range(32))
QUOTE = bytes(range(32, 64))


def _fields(c: Any) -> dict[str, Any]:
    if isinstance(c, Post):
        return {"type": "post", "text": c.text, "reply_to": c.reply_to.hex() if c.reply_to else None,
                "channel": c.channel.hex(), "thread": c.thread.hex() if c.thread else None,
                "title": c.title, "tags": list(c.tags)}
    if isinstance(c, ChannelDef):
        return {"type": "channel", "channel": c.channel.hex(), "channel_kind": c.kind,
                "name": c.name, "topic": c.topic, "position": c.position,
                "archived": c.archived, "tags": list(c.tags)}
    return {"type": "pin", "channel": c.channel.hex(), "target": c.target.hex(), "on": c.on}


KNOWN = {
    "post_v1_in_general": Post("plain as before"),
    "post_in_a_channel": Post("hello", None, NEWS),
    "forum_topic": Post("Shall we?", None, FORUM, None, "Dune", ("fiction", "sf")),
    "thread_reply_with_quote": Post("yes", QUOTE, FORUM, ROOT),
    "thread_reply_in_general": Post("in General's thread", None, GENERAL, ROOT),
    "channel_chat": ChannelDef(FORUM[::-1], 0, "Lounge", "small talk", 3),
    "channel_forum": ChannelDef(FORUM, 1, "Reading list", "what next", 1, False,
                                ("fiction", "poetry", "sf")),
    "channel_announcements_archived": ChannelDef(NEWS, 2, "News ✦", "", 0, True),
    "channel_general_renamed": ChannelDef(GENERAL, 0, "Lobby", "start here"),
    "pin": Pin(NEWS, ROOT, True),
    "unpin": Pin(NEWS, ROOT, False),
}


def _negative() -> list[dict[str, str]]:
    ok_channel = encode_content(KNOWN["channel_forum"])
    ok_post = encode_content(KNOWN["forum_topic"])
    pin = encode_content(KNOWN["pin"])

    def text(s: str) -> bytes:
        raw = s.encode()
        return len(raw).to_bytes(2, "big") + raw

    def channel(kind: int, name: str = "x", archived: int = 0, cid: bytes = FORUM,
                tags: bytes = b"\x00") -> bytes:
        return (bytes([6, 1]) + cid + bytes([kind]) + text(name) + text("") + b"\x00\x00"
                + bytes([archived]) + tags)

    def post(thread: bytes | None, title: str, tags: bytes, cid: bytes = FORUM) -> bytes:
        return (bytes([1, 2, 0]) + cid + (b"\x01" + thread if thread else b"\x00") + text(title)
                + tags + text("body"))

    cases = {
        "post_v2_that_is_a_plain_v1_post": post(None, "", b"\x00", GENERAL),
        "thread_reply_with_a_title": post(ROOT, "title", b"\x00"),
        "thread_reply_with_tags": post(ROOT, "", b"\x01" + text("a")),
        "post_tags_unsorted": post(None, "t", b"\x02" + text("b") + text("a")),
        "post_tags_duplicate": post(None, "t", b"\x02" + text("a") + text("a")),
        "post_tag_empty": post(None, "t", b"\x01" + text("")),
        "post_nine_tags": post(None, "t", b"\x09" + b"".join(text(c) for c in "abcdefghi")),
        "post_trailing_byte": ok_post + b"\x00",
        "channel_unknown_kind": channel(3),
        "channel_empty_name": channel(0, ""),
        "channel_blank_name": channel(0, "   "),
        "channel_name_65_bytes": channel(0, "n" * 65),
        "channel_archived_flag_2": channel(0, archived=2),
        "general_as_forum": channel(1, cid=GENERAL),
        "general_archived": channel(0, archived=1, cid=GENERAL),
        "channel_truncated": ok_channel[:-1],
        "pin_flag_2": pin[:-1] + b"\x02",
        "pin_short_target": pin[:20],
    }
    return [{"name": n, "check": "decode_content", "input": v.hex(), "expect": "DecodeError"}
            for n, v in cases.items()]


def _rules() -> list[dict[str, Any]]:
    rows = []
    for name, content in (("channel", KNOWN["channel_forum"]), ("pin", KNOWN["pin"]),
                          ("top_level_post", KNOWN["post_in_a_channel"]),
                          ("thread_reply", KNOWN["thread_reply_with_quote"])):
        for admin in (True, False):
            for kind in (None, 0, 1, 2):
                rule = check(content, admin, kind)
                rows.append({"payload": name, "sender_admin": admin, "channel_kind": kind,
                             "expect": rule or "allowed"})
    return rows


def build() -> dict[str, Any]:
    return {
        "provenance": {"generator": "tests.vectors.generate_spaces",
                       "spec": "docs/protocol.md §5.3.1", "randomness": "none"},
        "known": [{"name": n, "payload": encode_content(c).hex(), "fields": _fields(c)}
                  for n, c in KNOWN.items()],
        "negative": _negative(),
        "rules": _rules(),
    }


def main() -> int:
    OUT.write_text(json.dumps(build(), indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                   encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
