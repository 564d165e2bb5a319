"""CLI commands for posts: post, reply, react, edit, delete, read, search."""
from __future__ import annotations

from app import cli_format as fmt
from app.cli_args import count, reference
from app.cli_base import Command, SubParsers, command
from app.cli_channels import channel_json
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
    if p.rejected:
        return [f"(rejected: {p.rejected})"]
    if p.deleted:
        return [f"(deleted by {fmt.person(p.deleted_by)})" if p.deleted_by else "(deleted)"]
    if p.kind == "unsupported":
        return ["(a newer version of Coterie is needed to show this post)"]
    if p.kind == "poll":   # `coterie poll show` has the options and results
        return [f"[poll] {fmt.safe(p.text)}"]
    if p.kind == "calendar":   # `coterie event list` has the times and answers
        return [f"[event] {fmt.safe(p.text)}"]
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
        excerpt = ("(deleted)" if p.reply_to.deleted else
                   "(not here)" if p.reply_to.missing else fmt.safe(p.reply_to.excerpt))
        lines.append(f"    > {fmt.person(p.reply_to.sender_name)}: {excerpt}")
    lines.extend(f"    {line}" for line in _body(p))
    extras = []
    if p.edited and not p.deleted:
        extras.append("edited")
    if p.sending:
        extras.append("sending")
    if p.reactions:
        extras.append(" ".join(f"{fmt.safe(e)} {len(n)}" for e, n in p.reactions.items()))
    if p.pinned:
        extras.append("pinned")
    if p.thread is not None and p.thread.replies:
        n = p.thread.replies
        extras.append(f"{n} {'reply' if n == 1 else 'replies'}, last by "
                      f"{fmt.person(p.thread.last_replier)} {fmt.when(p.thread.last_at or 0)}"
                      + (f", {p.thread.unread} unread" if p.thread.unread else "")
                      + (", following" if p.thread.following else ""))
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
        head += " (archived)"
    text = "\n".join(post_text(p) for p in page.posts) or (
        "No replies yet." if root else "No posts yet.")
    if root is not None:
        text = f"{head}\n{post_text(root)}\n  replies:\n{text}"
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
        return f"{fmt.person(h.group_name)}  channel {h.channel_id}  #{fmt.safe(fmt.snippet(h))}"
    if h.kind == "topic":
        return (f"{fmt.person(h.group_name)}  {h.post_id[:fmt.SHORT_ID]}  topic  "
                f"{fmt.safe(fmt.snippet(h))}")
    return (f"{fmt.person(h.group_name)}  {h.post_id[:fmt.SHORT_ID]}  {fmt.when(h.sent_at)}  "
            f"{fmt.person(h.sender_name)}: {fmt.safe(fmt.snippet(h))}")


def search(c: Command) -> None:
    svc = c.open()
    hits = (svc.search.find_spaces(c.args.query, c.args.group, c.args.limit)
            + svc.search.find(c.args.query, c.args.group, c.args.limit))[:c.args.limit]
    c.out({"hits": [fmt.hit_json(h) for h in hits]},
          "\n".join(hit_text(h) for h in hits) or "Nothing found.")


def register(sub: SubParsers) -> None:
    p = command(sub, "post", "post to a group; prints the post id", post, "group", "text",
                sends=True)
    p.add_argument("--channel", type=reference, help="channel id or name (default: General)")
    p.add_argument("--thread", type=reference, metavar="POST_ID",
                   help="reply in the thread of this post")
    p.add_argument("--title", help="a forum topic's title")
    p.add_argument("--tag", action="append", help="a forum topic's tag (repeatable)")
    command(sub, "reply", "reply to a post; prints the new post id", reply,
            "group", "post", "text", sends=True)
    p = command(sub, "react", "add (or with --off remove) a reaction", react,
                "group", "post", "emoji", json_flag=False, sends=True)
    p.add_argument("--off", action="store_true")
    command(sub, "edit", "edit one of your posts", edit, "group", "post", "text",
            json_flag=False, sends=True)
    command(sub, "delete", "delete your post (admins: anyone's)", delete, "group", "post",
            json_flag=False, sends=True)

    p = command(sub, "read", "show a channel's or a thread's latest posts", read, "group")
    p.add_argument("--limit", type=count("--limit"), default=50)
    p.add_argument("--channel", type=reference, help="channel id or name (default: General)")
    p.add_argument("--thread", type=reference, metavar="POST_ID", help="read this post's thread")
    p = command(sub, "search", "full-text search", search, "query")
    p.add_argument("--group")
    p.add_argument("--limit", type=count("--limit"), default=20)
