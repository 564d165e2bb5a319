"""CLI commands for files and the library: attach, download, files, library add|remove."""
from __future__ import annotations

from pathlib import Path

from app import cli_format as fmt
from app.cli_base import Command, Parser, SubParsers, command
from app.files import SORTS, FileView, LinkView, describe
from app.i18n import _


def attach(c: Command) -> None:
    svc = c.open()
    channel = svc.files.channel_id(c.args.group, c.args.channel)
    result = svc.files.attach(c.args.group, c.args.paths, c.args.text or "", channel)
    if result.post_id is None:
        c.warn(_("the files are saved in the outbox but not sent yet ({reason}); the next "
                 "`coterie sync` finishes the upload and sends the post.").format(
                     reason=result.waiting.rstrip("."))
               if result.waiting else _("the upload waits in the outbox."))
        if c.json:
            c.out({"post": None, "upload": result.upload_id, "waiting": True}, "")
        return
    c.out({"post": result.post_id, "upload": result.upload_id, "waiting": False},
          result.post_id)


def download(c: Command) -> None:
    out = Path(c.args.out) if c.args.out else Path.cwd()
    paths = c.open().files.download(c.args.group, c.args.post, out)
    c.out({"saved": [str(p) for p in paths]}, "\n".join(str(p) for p in paths))


def _line(v: FileView | LinkView) -> str:
    when = fmt.when(v.sent_at)
    if isinstance(v, LinkView):
        return f"{v.post_id[:12]}  link      {v.url}  ({when})"
    return (f"{v.post_id[:12]}  {v.kind:<9} {v.name}  {fmt_size(v.size)}  {v.media_type}"
            f"  ({when})")


def fmt_size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    return f"{n}"


def files(c: Command) -> None:
    svc = c.open()
    channel = (svc.files.channel_id(c.args.group, c.args.channel)
               if c.args.channel is not None else None)
    views = svc.files.list(c.args.group, c.args.kind, channel=channel, member=c.args.member,
                           sort=c.args.sort)
    items = (svc.library.items(c.args.group, channel, c.args.member)
             if c.args.kind is None else [])
    doc = {"files": [describe(v) for v in views],
           "library": [{"id": i.id, "post": i.post_id, "title": i.title,
                        "description": i.description, "tags": list(i.tags), "link": i.link,
                        "author": i.author, "added_at": i.added_at, "pinned": i.pinned}
                       for i in items]}
    lines = [_line(v) for v in views]
    if items:
        lines.append(_("Library:"))
        untitled = _("(untitled)")
        lines += [f"{i.id[:12]}  {'📌 ' if i.pinned else ''}{i.title or untitled}"
                  f"{'  #' + ' #'.join(i.tags) if i.tags else ''}  → {i.post_id[:12]}"
                  for i in items]
    c.out(doc, "\n".join(lines) or _("No files yet."))


def library_add(c: Command) -> None:
    tags = [t for t in (c.args.tags or "").split(",") if t.strip()]
    item = c.open().library.add(c.args.group, c.args.post, c.args.title or "", tags,
                                c.args.description or "")
    c.out({"item": item}, item)


def library_remove(c: Command) -> None:
    c.open().library.remove(c.args.group, c.args.item)


def library_pin(c: Command) -> None:
    c.open().library.pin(c.args.group, c.args.item, not c.args.off)


def library_tags(c: Command) -> None:
    tags = [t for t in (c.args.tags or "").split(",") if t.strip()]
    c.open().library.set_tags(c.args.group, c.args.item, tags)


def register(sub: SubParsers) -> None:
    p = command(sub, "attach", _("attach files to a post; prints the post id once every file "
                "is stored"), attach, "group", sends=True)
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--text", help=_("a caption"))
    p.add_argument("--channel", help=_("channel name or id (default: General)"))
    p = command(sub, "download", _("save every file of a post; prints the saved paths"),
                download, "group", "post")
    p.add_argument("--out", metavar="DIR", help=_("folder to save into (default: here)"))
    p = command(sub, "files", _("the group's files, links and library"), files, "group")
    p.add_argument("--kind", choices=("images", "documents", "media", "links"))
    p.add_argument("--channel", help=_("only what was shared in this channel (name or id)"))
    p.add_argument("--member", help=_("only what this member shared (name or fingerprint)"))
    p.add_argument("--sort", choices=SORTS, default="newest",
                   help=_("newest (default), oldest, name, or size (largest first)"))

    library = sub.add_parser("library", help=_("save posts to the group's library, or remove"))
    lsub = library.add_subparsers(dest="action", required=True, parser_class=Parser)
    p = command(lsub, "add", _("save a post to the library; prints the item id"), library_add,
                "group", "post", sends=True)
    p.add_argument("--title")
    p.add_argument("--tags", help=_("comma-separated"))
    p.add_argument("--description")
    command(lsub, "remove", _("take an item out of the library (its author or an admin)"),
            library_remove, "group", "item", json_flag=False, sends=True)
    p = command(lsub, "pin", _("pin (or with --off unpin) a library item (admins)"), library_pin,
                "group", "item", json_flag=False, sends=True)
    p.add_argument("--off", action="store_true")
    p = command(lsub, "tags", _("replace the tags of a library item (admins)"), library_tags,
                "group", "item", json_flag=False, sends=True)
    p.add_argument("tags", help=_('comma-separated ("" removes every tag)'))
