"""CLI commands for polls and events: `coterie poll ...` and `coterie event ...`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app import cli_format as fmt
from app.cli_args import duration, reference
from app.cli_base import Command, Parser, SubParsers
from app.events_cal import ics
from app.i18n import _
from app.polls_views import EventView, PollView


def poll_json(p: PollView) -> dict[str, Any]:
    return {
        "id": p.id, "group_id": p.group_id, "channel": p.channel, "question": p.question,
        "options": [{"number": i, "text": o.text, "count": o.count, "voters": list(o.voters),
                     "mine": o.mine} for i, o in enumerate(p.options, 1)],
        "multi": p.multi, "anonymous": p.anonymous, "note": p.note,
        "creator": {"name": p.creator_name, "fingerprint": p.creator_fingerprint},
        "created_at": p.created_at, "closes_at": p.closes_at or None, "closed": p.closed,
        "voters": p.voters, "i_voted": p.i_voted, "mine": p.mine, "can_close": p.can_close,
        "tally_seq": p.tally_seq,
    }


def poll_text(p: PollView) -> str:
    state = _("closed") if p.closed else (
        _("closes {when}").format(when=fmt.when(p.closes_at)) if p.closes_at else _("open"))
    mode = _("several choices") if p.multi else _("one choice")
    lines = [f"{p.id[:fmt.SHORT_ID]}  {fmt.safe(p.question)}",
             "    " + _("by {person}; {mode}; {state}; {count} voted").format(
                 person=fmt.person(p.creator_name), mode=mode, state=state, count=p.voters)
             + ("; " + _("you voted") if p.i_voted else "")]
    if p.note:
        lines.append(f"    {p.note}")
    width = max(1, max(o.count for o in p.options))
    for i, o in enumerate(p.options, 1):
        bar = "█" * round(10 * o.count / width) if o.count else ""
        mark = "*" if o.mine else " "
        who = f"  ({', '.join(fmt.person(v) for v in o.voters)})" if o.voters else ""
        lines.append(f"  {mark}{i:>2}. {fmt.safe(o.text)}  {bar} {o.count}{who}")
    return "\n".join(lines)


def poll_create(c: Command) -> None:
    a = c.args
    p = c.open().polls.create(a.group, a.question, a.options, multi=a.multi,
                              anonymous=a.anonymous, closes_in=a.closes, channel=a.channel)
    c.out(poll_json(p), p.id)


def poll_vote(c: Command) -> None:
    p = c.open().polls.vote(c.args.group, c.args.poll, c.args.choices)
    c.out(poll_json(p), poll_text(p))


def poll_retract(c: Command) -> None:
    p = c.open().polls.retract(c.args.group, c.args.poll)
    c.out(poll_json(p), poll_text(p))


def poll_close(c: Command) -> None:
    p = c.open().polls.close(c.args.group, c.args.poll)
    c.out(poll_json(p), poll_text(p))


def poll_show(c: Command) -> None:
    p = c.open().polls.get(c.args.group, c.args.poll)
    c.out(poll_json(p), poll_text(p))


def poll_list(c: Command) -> None:
    polls = c.open().polls.list(c.args.group)
    c.out({"polls": [poll_json(p) for p in polls]},
          "\n".join(poll_text(p) for p in polls) or _("No polls yet."))


def event_json(e: EventView) -> dict[str, Any]:
    return {
        "id": e.id, "group_id": e.group_id, "group": e.group_name, "channel": e.channel,
        "title": e.title, "description": e.description, "where": e.place, "tz": e.tz,
        "starts_at": e.starts_at, "ends_at": e.ends_at or None, "cancelled": e.cancelled,
        "creator": {"name": e.creator_name, "fingerprint": e.creator_fingerprint},
        "rsvps": [{"name": r.name, "fingerprint": r.fingerprint, "answer": r.answer,
                   "is_me": r.is_me} for r in e.rsvps],
        "going": e.count("going"), "maybe": e.count("maybe"), "no": e.count("no"),
        "my_answer": e.my_answer, "mine": e.mine, "can_edit": e.can_edit,
    }


def event_text(e: EventView) -> str:
    when = fmt.when(e.starts_at) + (f" – {fmt.when(e.ends_at)}" if e.ends_at else "")
    head = f"{e.id[:fmt.SHORT_ID]}  {when}  {fmt.safe(e.title)}"
    if e.cancelled:
        head += "  " + _("(cancelled)")
    lines = [head]
    if e.place:
        lines.append("    " + _("at {place}").format(place=fmt.safe(e.place)))
    lines.append("    " + _("going {going}, maybe {maybe}, can't {no}").format(
        going=e.count("going"), maybe=e.count("maybe"), no=e.count("no"))
        + ("; " + _("you: {answer}").format(answer=e.my_answer) if e.my_answer else ""))
    return "\n".join(lines)


def event_create(c: Command) -> None:
    a = c.args
    e = c.open().events.create(a.group, a.title, a.starts, a.ends, place=a.where or "",
                               description=a.description or "", channel=a.channel)
    c.out(event_json(e), e.id)


def event_edit(c: Command) -> None:
    a = c.args
    e = c.open().events.update(a.group, a.event, title=a.title, starts=a.starts, ends=a.ends,
                               place=a.where, description=a.description)
    c.out(event_json(e), event_text(e))


def event_cancel(c: Command) -> None:
    e = c.open().events.cancel(c.args.group, c.args.event)
    c.out(event_json(e), event_text(e))


def event_rsvp(c: Command) -> None:
    e = c.open().events.rsvp(c.args.group, c.args.event, c.args.answer)
    c.out(event_json(e), event_text(e))


def event_list(c: Command) -> None:
    events = c.open().events.upcoming(c.args.group)
    c.out({"events": [event_json(e) for e in events]},
          "\n".join(event_text(e) for e in events) or _("No upcoming events."))


def event_export(c: Command) -> None:
    e = c.open().events.get(c.args.group, c.args.event)
    data = ics(e)
    if c.args.out:
        Path(c.args.out).write_bytes(data)
    else:
        sys.stdout.write(data.decode("utf-8"))


def register(sub: SubParsers) -> None:
    poll = sub.add_parser("poll", help=_("polls: create, vote, close, show"))
    poll_sub = poll.add_subparsers(dest="poll_command", required=True, parser_class=Parser)

    def leaf(parent: Any, name: str, help_text: str, handler: Any, sends: bool,
             json_flag: bool = True) -> argparse.ArgumentParser:
        p = parent.add_parser(name, help=help_text)
        p.set_defaults(handler=handler, sends=sends)
        p.add_argument("group", type=reference)
        if json_flag:
            p.add_argument("--json", action="store_true", help=_("print one JSON document"))
        return p

    p = leaf(poll_sub, "create", _("create a poll; prints the poll id"), poll_create, True)
    p.add_argument("question")
    p.add_argument("options", nargs="+", metavar="OPTION")
    p.add_argument("--multi", action="store_true", help=_("members may choose several options"))
    p.add_argument("--closes", type=duration, metavar="DURATION",
                   help=_("close automatically after this long (90m, 2d)"))
    p.add_argument("--anonymous", action="store_true",
                   help=_("votes go to you only; others see totals"))
    p.add_argument("--channel", type=reference)
    p = leaf(poll_sub, "vote", _("vote (or change your vote)"), poll_vote, True)
    p.add_argument("poll", type=reference)
    p.add_argument("choices", nargs="+", metavar="CHOICE",
                   help=_("option number (1-based) or its exact text"))
    p = leaf(poll_sub, "retract", _("take your vote back"), poll_retract, True)
    p.add_argument("poll", type=reference)
    p = leaf(poll_sub, "close", _("close a poll (its creator or an admin)"), poll_close, True)
    p.add_argument("poll", type=reference)
    p = leaf(poll_sub, "show", _("a poll's results"), poll_show, False)
    p.add_argument("poll", type=reference)
    leaf(poll_sub, "list", _("the group's polls"), poll_list, False)

    event = sub.add_parser("event", help=_("events: create, RSVP, list, export"))
    ev_sub = event.add_subparsers(dest="event_command", required=True, parser_class=Parser)
    p = leaf(ev_sub, "create", _("create an event; prints the event id"), event_create, True)
    p.add_argument("title")
    p.add_argument("--starts", required=True, metavar="ISO8601")
    p.add_argument("--ends", metavar="ISO8601")
    p.add_argument("--where", metavar="TEXT", help=_("a place or a link"))
    p.add_argument("--description", metavar="TEXT")
    p.add_argument("--channel", type=reference)
    p = leaf(ev_sub, "edit", _("change an event (its creator or an admin)"), event_edit, True)
    p.add_argument("event", type=reference)
    p.add_argument("--title")
    p.add_argument("--starts", metavar="ISO8601")
    p.add_argument("--ends", metavar="ISO8601")
    p.add_argument("--where", metavar="TEXT")
    p.add_argument("--description", metavar="TEXT")
    p = leaf(ev_sub, "cancel", _("cancel an event (its creator or an admin)"), event_cancel, True)
    p.add_argument("event", type=reference)
    p = leaf(ev_sub, "rsvp", _("answer an event"), event_rsvp, True)
    p.add_argument("event", type=reference)
    p.add_argument("answer", choices=("going", "maybe", "no"))
    leaf(ev_sub, "list", _("upcoming events of a group"), event_list, False)
    p = leaf(ev_sub, "export", _("write the event as an iCalendar (.ics) file"), event_export,
             False, json_flag=False)
    p.add_argument("event", type=reference)
    p.add_argument("--out", metavar="FILE")
