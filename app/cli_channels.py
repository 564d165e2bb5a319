"""CLI commands for channels, pins and threads: channel ..., pin, unpin, pins, thread ...."""
from __future__ import annotations

from typing import Any

from app import cli_format as fmt
from app.cli_args import reference
from app.cli_base import Command, Parser, SubParsers, command
from app.i18n import _, ngettext
from app.views import ChannelView, PostView


def channel_json(ch: ChannelView) -> dict[str, Any]:
    return {"id": ch.id, "name": ch.name, "kind": ch.kind, "topic": ch.topic,
            "position": ch.position, "archived": ch.archived, "tags": list(ch.tags),
            "unread": ch.unread, "mentions": ch.mentions, "muted": ch.muted}


def _channel_row(ch: ChannelView) -> tuple[str, ...]:
    state = [s for s, on in ((_("archived"), ch.archived), (_("muted"), ch.muted)) if on]
    unread = _("{count} unread").format(count=ch.unread)
    if ch.mentions:
        unread += ", " + _("{count} @me").format(count=ch.mentions)
    return (ch.id, f"#{fmt.person(ch.name)}", ch.kind, unread, " ".join(state),
            fmt.safe(ch.topic))


def channel_create(c: Command) -> None:
    ch = c.open().channels.create(c.args.group, c.args.name, c.args.kind, c.args.topic or "",
                                  c.args.tag or ())
    c.out(channel_json(ch), ch.id)


def channel_list(c: Command) -> None:
    chans = c.open().channels.list(c.args.group)
    c.out({"channels": [channel_json(ch) for ch in chans]},
          fmt.table(_channel_row(ch) for ch in chans))


def channel_rename(c: Command) -> None:
    c.open().channels.rename(c.args.group, c.args.channel, c.args.name)
    c.say(_("Renamed."))


def channel_topic(c: Command) -> None:
    c.open().channels.describe(c.args.group, c.args.channel, c.args.text)
    c.say(_("Topic set."))


def channel_move(c: Command) -> None:
    c.open().channels.move(c.args.group, c.args.channel, c.args.position)
    c.say(_("Moved."))


def channel_tags(c: Command) -> None:
    c.open().channels.set_tags(c.args.group, c.args.channel, c.args.tags)
    c.say(_("Tags set."))


def channel_archive(c: Command) -> None:
    c.open().channels.archive(c.args.group, c.args.channel, not c.args.undo)
    c.say(_("Restored.") if c.args.undo else _("Archived; it stays readable and searchable."))


def channel_mute(c: Command) -> None:
    c.open().channels.set_muted(c.args.group, c.args.channel, not c.args.off)
    c.say(_("Unmuted.") if c.args.off else _("Muted."))


# -- pins ----------------------------------------------------------------------------------------

def pin(c: Command) -> None:
    c.open().channels.pin(c.args.group, c.args.post)
    c.say(_("Pinned."))


def unpin(c: Command) -> None:
    c.open().channels.unpin(c.args.group, c.args.post)
    c.say(_("Unpinned."))


def _short(p: PostView) -> str:
    text = p.title or fmt.safe(p.text.strip().splitlines()[0] if p.text.strip() else "")
    return f"{p.id[:fmt.SHORT_ID]}  {fmt.when(p.sent_at)}  {fmt.person(p.sender_name)}: {fmt.safe(text)}"


def pins(c: Command) -> None:
    posts = c.open().channels.pins(c.args.group, c.args.channel)
    c.out({"pins": [fmt.post_json(p) for p in posts]},
          "\n".join(_short(p) for p in posts) or _("Nothing pinned."))


# -- threads -------------------------------------------------------------------------------------

def thread_follow(c: Command) -> None:
    c.open().threads.follow(c.args.group, c.args.post, not c.args.off)
    c.say(_("Unfollowed.") if c.args.off else _("Following; new replies notify you."))


def thread_list(c: Command) -> None:
    roots = c.open().threads.followed(c.args.group)

    def row(p: PostView) -> str:
        t = p.thread
        extra = "  [" + ngettext("{count} reply, {unread} unread", "{count} replies, {unread} unread",
                                 t.replies).format(count=t.replies, unread=t.unread) + "]" if t else ""
        return _short(p) + extra

    c.out({"threads": [fmt.post_json(p) for p in roots]},
          "\n".join(row(p) for p in roots) or _("You follow no threads in this group."))


def register(sub: SubParsers) -> None:
    channel = sub.add_parser("channel", help=_("create, list, rename, describe or archive "
                                             "channels (changes: admins)"))
    csub = channel.add_subparsers(dest="action", required=True, parser_class=Parser)
    p = command(csub, "create", _("create a channel; prints its id"), channel_create,
                "group", "name", sends=True)
    p.add_argument("--kind", choices=("chat", "forum", "announcements"), default="chat")
    p.add_argument("--topic", help=_("a line saying what the channel is for"))
    p.add_argument("--tag", action="append", help=_("a tag forum topics may carry (repeatable)"))
    command(csub, "list", _("list a group's channels with unread counts"), channel_list, "group")
    command(csub, "rename", _("rename a channel"), channel_rename, "group", "channel", "name",
            json_flag=False, sends=True)
    command(csub, "topic", _("set a channel's topic line"), channel_topic, "group", "channel",
            "text", json_flag=False, sends=True)
    p = command(csub, "move", _("set a channel's position in the list"), channel_move,
                "group", "channel", json_flag=False, sends=True)
    p.add_argument("position", type=int)
    p = command(csub, "tags", _("set the tags a forum's topics may carry"), channel_tags,
                "group", "channel", json_flag=False, sends=True)
    p.add_argument("tags", nargs="*")
    p = command(csub, "archive", _("archive a channel (it stays readable and searchable)"),
                channel_archive, "group", "channel", json_flag=False, sends=True)
    p.add_argument("--undo", action="store_true", help=_("restore an archived channel"))
    p = command(csub, "mute", _("mute a channel on this device (--off to unmute)"), channel_mute,
                "group", "channel", json_flag=False)
    p.add_argument("--off", action="store_true")

    command(sub, "pin", _("pin a post in its channel (admins)"), pin, "group", "post",
            json_flag=False, sends=True)
    command(sub, "unpin", _("unpin a post (admins)"), unpin, "group", "post", json_flag=False,
            sends=True)
    p = command(sub, "pins", _("list pinned posts"), pins, "group")
    p.add_argument("--channel", type=reference, help=_("channel id or name (default: all)"))

    thread = sub.add_parser("thread", help=_("follow threads and list the ones you follow"))
    tsub = thread.add_subparsers(dest="action", required=True, parser_class=Parser)
    p = command(tsub, "follow", _("follow a post's thread (--off to unfollow)"), thread_follow,
                "group", "post", json_flag=False)
    p.add_argument("--off", action="store_true")
    command(tsub, "list", _("threads you follow, with unread replies"), thread_list, "group")
