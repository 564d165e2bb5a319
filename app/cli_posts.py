"""CLI commands for posts: post, reply, react, edit, delete, read, search."""
from __future__ import annotations

from app import cli_format as fmt
from app.cli_args import count, reference
from app.cli_base import Command, SubParsers, command
from app.cli_channels import channel_json
from app.i18n import _, ngettext
from app.reasons import reason_text
from app.views import GENERAL_ID, PostView, SearchHit


def post(c: Command) -> None:
    p = c.open().posts.post(c.args.group, c.args.text, channel=c.args.channel,
                            thread=c.args.thread, title=c.args.title, tags=c.args.tag or ())
    c.out(fmt.post_json(p), p.id)


def reply(c: Command) -> None:
    p = c.open().posts.reply(c.args.group, c.args.post, c.args.text)
    c.out(fmt.post_json(p), p.id)


def react(c: Command) -> None:
    c.open().posts.react(c.args.group, c.args.post, c.args.emoji, on=not c.args.off)


def edit(c: Command) -> None:
    c.open().posts.edit(c.args.group, c.args.post, c.args.text)


def delete(c: Command) -> None:
    c.open().posts.delete(c.args.group, c.args.post)


def _body(p: PostView) -> list[str]:
    if p.approval == "rejected":
        return [_("(not approved by a moderator; the others never saw it)")]
    if p.rejected:
        return [_("(rejected: {reason})").format(reason=reason_text(p.rejected))]
    if p.deleted:
        return [_("(deleted by {person})").format(person=fmt.person(p.deleted_by))
                if p.deleted_by else _("(deleted)")]
    if p.kind == "unsupported":
        return [_("(a newer version of Coterie is needed to show this post)")]
    if p.kind == "poll":   # `coterie poll show` has the options and results
        return [_("[poll] {question}").format(question=fmt.safe(p.text))]
    if p.kind == "calendar":   # `coterie event list` has the times and answers
        return [_("[event] {title}").format(title=fmt.safe(p.text))]
    return fmt.safe_lines(p.text)


def post_text(p: PostView) -> str:
    """A post as lines: head, quote, body, extras, warnings."""
    if p.kind == "warning":
        return f"  ! {fmt.safe(p.text)}"
    if p.kind == "event":  # our own sentence; its names are cleaned and isolated already
        return f"  · {fmt.when(p.sent_at)}  {fmt.terminal(p.text)}"
    lines = [f"{p.id[:fmt.SHORT_ID]}  {fmt.when(p.sent_at)}  {fmt.person(p.sender_name)}"]
    if p.title and not p.rejected:
        tags = "".join(f"  #{fmt.safe(t)}" for t in p.tags)
        lines.append(f"    ## {fmt.safe(p.title)}{tags}")
    if p.reply_to is not None:
        excerpt = (_("(deleted)") if p.reply_to.deleted else
                   _("(not here)") if p.reply_to.missing else fmt.safe(p.reply_to.excerpt))
        lines.append(f"    > {fmt.person(p.reply_to.sender_name)}: {excerpt}")
    lines.extend(f"    {line}" for line in _body(p))
    extras = []
    if p.edited and not p.deleted:
        extras.append(_("edited"))
    if p.sending:
        extras.append(_("sending"))
    if p.approval == "waiting":
        extras.append(_("waiting for a moderator's approval"))
    if p.reactions:
        extras.append(" ".join(f"{fmt.safe(e)} {len(n)}" for e, n in p.reactions.items()))
    if p.pinned:
        extras.append(_("pinned"))
    if p.thread is not None and p.thread.replies:
        n = p.thread.replies
        thread = [ngettext("{count} reply, last by {person} {when}",
                           "{count} replies, last by {person} {when}", n).format(
            count=n, person=fmt.person(p.thread.last_replier),
            when=fmt.when(p.thread.last_at or 0))]
        if p.thread.unread:
            thread.append(_("{count} unread").format(count=p.thread.unread))
        if p.thread.following:
            thread.append(_("following"))
        extras.append(", ".join(thread))
    if extras:
        lines.append("    [" + "; ".join(extras) + "]")
    lines.extend(f"    ! {fmt.safe(w)}" for w in p.warnings)
    return "\n".join(lines)


def read(c: Command) -> None:
    svc = c.open()
    g = svc.groups.get(c.args.group)
    root = svc.threads.root(g.id, c.args.thread) if c.args.thread else None
    channel = svc.channels.get(g.id, root.channel_id if root else c.args.channel)
    page = svc.posts.latest(g.id, c.args.limit, channel=channel.id,
                            thread=root.id if root else None)
    rows = {kind: [p for p in page.posts if p.kind == kind] for kind in ("warning", "event")}
    posts = [p for p in page.posts if p.kind in ("post", "unsupported", "poll", "calendar")]
    head = f"# {fmt.safe(channel.name)}" + (f" — {fmt.safe(channel.topic)}" if channel.topic else "")
    if channel.archived:
        head += " " + _("(archived)")
    text = "\n".join(post_text(p) for p in page.posts) or (
        _("No replies yet.") if root else _("No posts yet."))
    if root is not None:
        text = "\n".join((head, post_text(root), "  " + _("replies:"), text))
    elif channel.id != GENERAL_ID:
        text = f"{head}\n{text}"
    c.out({"group": fmt.group_json(g), "channel": channel_json(channel),
           "thread": fmt.post_json(root) if root else None,
           "posts": [fmt.post_json(p) for p in posts],
           "warnings": [fmt.warning_json(w) for w in rows["warning"]],
           "events": [fmt.event_json(e) for e in rows["event"]],
           "more_before": page.more_before}, text)
    if root is not None:
        svc.threads.mark_read(g.id, root.id)
    else:
        svc.channels.mark_read(g.id, channel.id)


def hit_text(h: SearchHit) -> str:
    if h.kind == "channel":
        return "  ".join((fmt.person(h.group_name), _("channel {id}").format(id=h.channel_id),
                          f"#{fmt.safe(fmt.snippet(h))}"))
    if h.kind == "topic":
        return "  ".join((fmt.person(h.group_name), h.post_id[:fmt.SHORT_ID], _("topic"),
                          fmt.safe(fmt.snippet(h))))
    if h.kind == "library":
        return "  ".join((fmt.person(h.group_name), h.post_id[:fmt.SHORT_ID],
                          _("library, saved by {name}:").format(name=fmt.person(h.sender_name)),
                          fmt.safe(fmt.snippet(h))))
    return (f"{fmt.person(h.group_name)}  {h.post_id[:fmt.SHORT_ID]}  {fmt.when(h.sent_at)}  "
            f"{fmt.person(h.sender_name)}: {fmt.safe(fmt.snippet(h))}")


def search(c: Command) -> None:
    svc = c.open()
    hits = (svc.search.find_spaces(c.args.query, c.args.group, c.args.limit)
            + svc.search.find(c.args.query, c.args.group, c.args.limit))[:c.args.limit]
    c.out({"hits": [fmt.hit_json(h) for h in hits]},
          "\n".join(hit_text(h) for h in hits) or _("Nothing found."))


def register(sub: SubParsers) -> None:
    p = command(sub, "post", _("post to a group; prints the post id"), post, "group", "text",
                sends=True)
    p.add_argument("--channel", type=reference, help=_("channel id or name (default: General)"))
    p.add_argument("--thread", type=reference, metavar="POST_ID",
                   help=_("reply in the thread of this post"))
    p.add_argument("--title", help=_("a forum topic's title"))
    p.add_argument("--tag", action="append", help=_("a forum topic's tag (repeatable)"))
    command(sub, "reply", _("reply to a post; prints the new post id"), reply,
            "group", "post", "text", sends=True)
    p = command(sub, "react", _("add (or with --off remove) a reaction"), react,
                "group", "post", "emoji", json_flag=False, sends=True)
    p.add_argument("--off", action="store_true")
    command(sub, "edit", _("edit one of your posts"), edit, "group", "post", "text",
            json_flag=False, sends=True)
    command(sub, "delete", _("delete your post (admins: anyone's)"), delete, "group", "post",
            json_flag=False, sends=True)

    p = command(sub, "read", _("show a channel's or a thread's latest posts"), read, "group")
    p.add_argument("--limit", type=count("--limit"), default=50)
    p.add_argument("--channel", type=reference, help=_("channel id or name (default: General)"))
    p.add_argument("--thread", type=reference, metavar="POST_ID", help=_("read this post's thread"))
    p = command(sub, "search", _("full-text search"), search, "query")
    p.add_argument("--group")
    p.add_argument("--limit", type=count("--limit"), default=20)
