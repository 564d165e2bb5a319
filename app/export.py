"""A group as readable files: one self-contained HTML page and one JSON document
(`Services.export`; the JSON schema is docs/export.schema.json, explained in docs/export.md).

Everything in an export comes from other members and is treated as hostile:
- the HTML page has no script, no remote resource and no form; a Content-Security-Policy
  meta tag allows nothing but its own inline style (by hash), so even markup that slipped
  through could load nothing and run nothing;
- every piece of text is HTML-escaped; names are cleaned like everywhere in the app
  (app/names.py: bidi controls, format and control characters gone) and shown in <bdi>;
  post text loses bidi overrides and control characters (line breaks and tabs stay);
- the JSON keeps the text as stored (a JSON parser cannot be fooled by it) but never a key:
  no store key, group secret, chain or mailbox capability is in either file.

Both files are written while the posts are read, a page at a time, so a group of 100,000
posts never sits in memory; each file appears under its final name only when complete.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

import crypto
from app.access import Access
from app.errors import AppError, InvalidInput
from app.files import FileService
from app.i18n import _, language, ngettext
from app.names import lookalike_keys, shown_name
from app.runtime import FORMER_MEMBER, Runtime
from app.store import PageKey, Post
from app.store.files import FileRow

FORMAT = "coterie-export"
VERSION = 1
PAGE = 1000
ALL_FILES = 1 << 30
FORMATS = ("html", "json")
EXCERPT = 120
# Bidi embeddings, overrides and isolates, marks, and every C0/C1 control but \n and \t.
_UNSAFE = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
                     "\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SLUG = re.compile(r"[^A-Za-z0-9_-]+")
_GENERAL = bytes(16).hex()   # the General channel (docs/protocol.md, channels)

_STYLE = """
body{font:15px/1.45 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;
color:#1d1d1f;background:#fff}
@media (prefers-color-scheme:dark){body{color:#e8e8ea;background:#17171a}
.post{border-color:#333}.meta,.note,.fp{color:#a0a0a8}blockquote{border-color:#555}}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse}td,th{padding:.2rem .6rem;text-align:left;vertical-align:top}
.fp{font-family:ui-monospace,monospace;font-size:.85em;color:#666}
.post{border-top:1px solid #ddd;padding:.6rem 0}
.meta{font-size:.85em;color:#555}.sender{font-weight:600}
.text{white-space:pre-wrap;overflow-wrap:anywhere;margin:.3rem 0}
blockquote{margin:.3rem 0;padding-left:.6rem;border-left:3px solid #bbb;font-size:.9em}
.note{font-size:.85em;color:#666;font-style:italic}
ul.reactions{list-style:none;padding:0;margin:.2rem 0}ul.reactions li{display:inline;margin-right:1rem}
"""
_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()
CSP = (f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; img-src 'none'; "
       "base-uri 'none'; form-action 'none'")

Progress = Callable[[int], None]   # posts written so far


@dataclass(frozen=True)
class ExportInfo:
    group_id: str
    posts: int
    html: str | None       # path of the HTML file, when written
    json: str | None       # path of the JSON file, when written


def clean_text(text: str) -> str:
    """Post text for the page: no bidi overrides or controls (line breaks and tabs stay)."""
    return _UNSAFE.sub("", text)


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _iso(ts: int | None) -> str:
    return "" if ts is None else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def _shown_time(ts: int | None) -> str:
    return "" if ts is None else time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(ts))


class _People:
    """Names and fingerprints of everyone who appears, members and former members."""

    def __init__(self, rt: Runtime, gid: bytes) -> None:
        self.members = rt.store.groups.list_members(gid)
        self.me = rt.me
        self._by_ik = {m.ik: m for m in self.members}
        self._alike = lookalike_keys((m.fingerprint, shown_name(m.display_name))
                                     for m in self.members)

    def person(self, ik: bytes | None, fallback: str = FORMER_MEMBER) -> dict[str, str] | None:
        if ik is None:
            return None
        m = self._by_ik.get(ik)
        return {"name": m.display_name if m is not None else fallback,
                "fingerprint": crypto.fingerprint(ik)}

    def shown(self, who: dict[str, str] | None) -> str:
        if who is None:
            return ""
        name = shown_name(who["name"])
        if who["fingerprint"] in self._alike:
            name += f" ({who['fingerprint'][:9]})"
        return name


class ExportService:
    """Writes one group's history as HTML and/or JSON into a folder, files copied alongside."""

    def __init__(self, access: Access, files: FileService) -> None:
        self._access = access
        self._files = files

    def write(self, group: str, out_dir: str | os.PathLike[str], formats: tuple[str, ...] = FORMATS,
              progress: Progress | None = None) -> ExportInfo:
        if not formats or any(f not in FORMATS for f in formats):
            raise InvalidInput(_("Export as html, json or both."))
        rt = self._access.runtime()
        record = rt.resolve_group(group)
        gid = record.id
        folder = Path(out_dir).expanduser()
        folder.mkdir(parents=True, exist_ok=True)
        stem = f"{_SLUG.sub('-', record.name).strip('-')[:40] or 'group'}-{gid.hex()[:8]}"
        people = _People(rt, gid)
        now = rt.now()
        head = {
            "format": FORMAT, "version": VERSION, "exported_at": now,
            "exported_by": people.person(rt.me, rt.display_name),
            "group": {"id": gid.hex(), "name": record.name, "created": record.created},
            "channels": [{"id": c.id.hex(), "name": c.name, "kind": c.kind, "topic": c.topic,
                          "archived": c.archived}
                         for c in rt.store.channels.list_channels(gid)],
            "members": [{"name": m.display_name, "fingerprint": m.fingerprint,
                         "role": m.role,
                         "is_me": m.ik == rt.me} for m in people.members],
        }
        attached: dict[bytes, list[FileRow]] = {}
        for row in rt.store.files.group_files(gid, ALL_FILES):
            attached.setdefault(row.msg_id, []).append(row)
        copier = _FileCopier(self._files, gid.hex(), folder, f"{stem}-files")
        targets = {f: folder / f"{stem}.{f}" for f in formats}
        parts = {f: p.with_name(f".{p.name}.{secrets.token_hex(4)}.part") for f, p in targets.items()}
        streams: dict[str, TextIO] = {}
        count = 0
        try:
            for f, part in parts.items():
                streams[f] = open(part, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
            writers = []
            if "json" in streams:
                writers.append(_JsonWriter(streams["json"], head))
            if "html" in streams:
                writers.append(_HtmlWriter(streams["html"], head, people))
            for post_doc, post in _posts(rt, gid, people):
                if not post.deleted and post.msg_id in attached:
                    post_doc["files"] = [copier.copy(post.msg_id, row)
                                         for row in sorted(attached[post.msg_id],
                                                           key=lambda r: r.idx)]
                for w in writers:
                    w.post(post_doc, post)
                count += 1
                if progress is not None and count % PAGE == 0:
                    progress(count)
            for w in writers:
                w.end(count, copier.copied)
            for f, stream in streams.items():
                stream.close()
                os.replace(parts[f], targets[f])
        finally:
            for f, stream in streams.items():
                stream.close()
                try:
                    parts[f].unlink()
                except FileNotFoundError:
                    pass
        if progress is not None:
            progress(count)
        return ExportInfo(gid.hex(), count, str(targets["html"]) if "html" in targets else None,
                          str(targets["json"]) if "json" in targets else None)


class _FileCopier:
    """Each attached file decrypted into the export's files folder (fetched from the relay
    when this computer does not hold it yet); one that cannot be had is listed with why."""

    def __init__(self, files: FileService, group: str, folder: Path, sub: str) -> None:
        self._files = files
        self._group = group
        self._folder = folder
        self._dir = folder / sub
        self.copied: list[dict[str, Any]] = []

    def copy(self, msg_id: bytes, row: FileRow) -> dict[str, Any]:
        entry: dict[str, Any] = {"post": msg_id.hex(), "name": row.name, "size": row.size,
                                 "media_type": row.media_type, "path": None, "error": None}
        try:
            self._dir.mkdir(exist_ok=True)
            saved = self._files.save(self._group, msg_id.hex(), row.idx, self._dir)
            entry["path"] = saved.relative_to(self._folder).as_posix()
        except AppError as exc:
            entry["error"] = str(exc)
        except OSError as exc:
            entry["error"] = _("It could not be written ({reason}).").format(
                reason=exc.strerror or type(exc).__name__)
        self.copied.append(entry)
        return entry


def _posts(rt: Runtime, gid: bytes, people: _People) -> Iterator[tuple[dict[str, Any], Post]]:
    key = PageKey(-1, -1, -1)
    while True:
        page = rt.store.posts.group_posts_after(gid, key, PAGE)
        for p in page:
            yield _post_doc(p, people), p
        if len(page) < PAGE:
            return
        key = page[-1].key


def _post_doc(p: Post, people: _People) -> dict[str, Any]:
    sender = people.person(p.sender_ik, p.sender_name)
    return {
        "id": p.msg_id.hex(),
        "sender": sender,
        "sent_at": p.sent_time,
        "received_at": p.received_time,
        "kind": p.kind,
        "channel": p.channel_id.hex(),
        "thread": p.thread_root.hex() if p.thread_root else None,
        "title": p.title,
        "text": None if p.deleted or p.kind != "post" else p.text,
        "reply_to": p.reply_to.hex() if p.reply_to else None,
        "edited": {"at": p.edited_time} if p.edited else None,
        "deleted": ({"at": p.deleted_time, "by": people.person(p.deleted_by)}
                    if p.deleted else None),
        "reactions": [{"emoji": r.emoji, "by": people.person(r.reactor_ik), "at": r.time}
                      for r in p.reactions],
        "files": [],
    }


class _JsonWriter:
    """The document, written as it goes: the head, then one post per line."""

    def __init__(self, out: TextIO, head: dict[str, Any]) -> None:
        self._out = out
        self._first = True
        text = json.dumps(head, ensure_ascii=False, indent=1)
        out.write(text[:-2] + ',\n "posts": [')   # reopen the object before its "}"

    def post(self, doc: dict[str, Any], _post: Post) -> None:
        self._out.write(("\n  " if self._first else ",\n  ") + json.dumps(doc, ensure_ascii=False))
        self._first = False

    def end(self, count: int, files: list[dict[str, Any]]) -> None:
        listed = json.dumps(files, ensure_ascii=False)
        self._out.write(f'\n ],\n "post_count": {count},\n "files": {listed}\n}}\n')


class _HtmlWriter:
    def __init__(self, out: TextIO, head: dict[str, Any], people: _People) -> None:
        self._out = out
        self._people = people
        self._texts: dict[str, str] = {}   # msg id -> (shown) first line, for reply quotes
        self._channels = {c["id"]: shown_name(c["name"], "channel") for c in head["channels"]}
        group = head["group"]
        me = people.shown(head["exported_by"])
        you = _esc(" " + _("(you)"))
        rows = "".join(
            f"<tr><td><bdi>{_esc(people.shown(m))}</bdi>{you if m['is_me'] else ''}</td>"
            f"<td>{_esc(m['role'])}</td><td class=\"fp\">{_esc(m['fingerprint'])}</td></tr>\n"
            for m in head["members"])
        title = _esc(shown_name(group["name"], _("Group")))
        members, posts = _esc(_("Members")), _esc(_("Posts"))
        heads = "".join(f"<th>{_esc(h)}</th>" for h in (_("Name"), _("Role"), _("Fingerprint")))
        exported = _esc(_("Exported from Coterie by {name} on {when}. This page is a copy for "
                          "reading; it holds no keys.")).format(
            name=f"<bdi>{_esc(me)}</bdi>", when=_esc(_shown_time(head["exported_at"])))
        out.write(
            f"<!DOCTYPE html>\n<html lang=\"{_esc(language())}\">\n<head>\n"
            "<meta charset=\"utf-8\">\n"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n"
            "<meta name=\"referrer\" content=\"no-referrer\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{title}</title>\n"
            f"<style>{_STYLE}</style>\n</head>\n<body>\n"
            f"<header><h1><bdi>{title}</bdi></h1>\n"
            f"<p class=\"note\">{exported}</p></header>\n"
            f"<section><h2>{members}</h2>\n<table>\n<tr>{heads}</tr>\n{rows}</table>"
            f"</section>\n<main><h2>{posts}</h2>\n")

    def post(self, doc: dict[str, Any], _post: Post) -> None:
        people = self._people
        pid = doc["id"]
        sender = people.shown(doc["sender"])
        parts = [f"<article class=\"post\" id=\"p-{pid}\">\n<div class=\"meta\">"
                 f"<span class=\"sender\"><bdi>{_esc(sender)}</bdi></span> "
                 f"<span class=\"fp\">{_esc(doc['sender']['fingerprint'][:9])}</span> "
                 f"<time datetime=\"{_iso(doc['sent_at'])}\">"
                 f"{_esc(_shown_time(doc['sent_at']))}</time></div>\n"]
        if doc["channel"] != _GENERAL or doc["thread"] or doc["title"]:
            where = self._channels.get(doc["channel"]) or _("a channel")
            label = (_("in #{channel} (thread reply)") if doc["thread"]
                     else _("in #{channel}")).format(channel=where)
            if doc["title"]:
                label += f": {clean_text(doc['title'])}"
            parts.append(f"<p class=\"note\"><bdi>{_esc(label)}</bdi></p>\n")
        if doc["reply_to"]:
            quoted = self._texts.get(doc["reply_to"])
            inner = (f"<a href=\"#p-{doc['reply_to']}\">{_esc(quoted)}</a>" if quoted is not None
                     else _esc(_("a post that is not in this export")))
            reply = _esc(_("In reply to {post}")).format(post=inner)
            parts.append(f"<blockquote>{reply}</blockquote>\n")
        if doc["deleted"] is not None:
            by = people.shown(doc["deleted"]["by"]) or _("someone")
            deleted = _esc(_("This post was deleted by {name} on {when}.")).format(
                name=f"<bdi>{_esc(by)}</bdi>", when=_esc(_shown_time(doc["deleted"]["at"])))
            parts.append(f"<p class=\"note\">{deleted}</p>\n")
            self._texts[pid] = _("a deleted post")
        elif doc["kind"] != "post":
            parts.append("<p class=\"note\">" + _esc(_(
                "A message of a kind this version of Coterie cannot show.")) + "</p>\n")
        else:
            text = clean_text(doc["text"] or "")
            parts.append(f"<div class=\"text\" dir=\"auto\">{_esc(text)}</div>\n")
            line = text.split("\n", 1)[0]
            self._texts[pid] = f"{sender}: {line[:EXCERPT]}{'…' if len(line) > EXCERPT else ''}"
            if doc["edited"] is not None:
                edited = _("Edited on {when}.").format(when=_shown_time(doc["edited"]["at"]))
                parts.append(f"<p class=\"note\">{_esc(edited)}</p>\n")
        if doc["files"]:
            items = []
            for f in doc["files"]:
                name = _esc(clean_text(f["name"]))
                size = (_("{size} KiB").format(size=f"{f['size'] / 1024:.0f}") if f["size"] >= 1024
                        else _("{size} bytes").format(size=f["size"]))
                if f["path"]:
                    items.append(f"<li><a href=\"{_esc(quote(f['path']))}\">{name}</a> ({size})</li>")
                else:
                    missing = _("not copied: {reason}").format(reason=f.get("error") or "")
                    items.append(f"<li>{name} ({size}): {_esc(missing)}</li>")
            parts.append(f"<ul class=\"files\">{''.join(items)}</ul>\n")
        if doc["reactions"]:
            by_emoji: dict[str, list[str]] = {}
            for r in doc["reactions"]:
                by_emoji.setdefault(r["emoji"], []).append(people.shown(r["by"]))
            items = "".join(
                f"<li>{_esc(clean_text(emoji))} <bdi>{_esc(', '.join(names))}</bdi></li>"
                for emoji, names in by_emoji.items())
            parts.append(f"<ul class=\"reactions\">{items}</ul>\n")
        parts.append("</article>\n")
        self._out.write("".join(parts))

    def end(self, count: int, _files: list[dict[str, Any]]) -> None:
        posts = ngettext("{count} post.", "{count} posts.", count).format(count=count)
        self._out.write(f"<p class=\"note\">{_esc(posts)}</p>\n</main>\n</body>\n</html>\n")
