"""CLI commands for reports, the moderators' queue and the group's rules: `report`,
`reports` (list, resolve, approve, reject) and `rules`."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from app import cli_format as fmt
from app.cli_args import duration
from app.cli_base import Command, SubParsers, UsageError, command
from app.errors import InvalidInput
from app.i18n import _
from app.reports import OUTCOMES, REASONS, HeldPostView, ReportView, reason_title


def report(c: Command) -> None:
    rid = c.open().reports.report(c.args.group, c.args.post, c.args.reason, c.args.text or "")
    c.flush()
    c.out({"id": rid}, rid)


def _report_json(v: ReportView) -> dict[str, Any]:
    return {"id": v.id, "status": v.status, "outcome": v.outcome, "reason": v.reason,
            "text": v.text, "mine": v.mine, "reporter": v.reporter,
            "reporter_fingerprint": v.reporter_fingerprint,
            "post": {"id": v.post_id, "author": v.post_author,
                     "author_fingerprint": v.post_author_fingerprint, "text": v.post_text,
                     "sent_at": v.post_sent_at, "verified": v.verified},
            "handled_by": v.handled_by, "handled_at": v.handled_at, "sent_at": v.sent_at,
            "context": [{"id": p.id, "author": p.author, "text": p.text, "sent_at": p.sent_at,
                         "reported": p.reported} for p in v.context]}


def _held_json(v: HeldPostView) -> dict[str, Any]:
    return {"id": v.id, "author": v.author, "author_fingerprint": v.author_fingerprint,
            "text": v.text, "sent_at": v.sent_at}


def _report_line(v: ReportView) -> str:
    status = _("handled") if v.status == "handled" else _("new")
    head = f"{v.id}  [{status}{': ' + v.outcome if v.outcome else ''}]  {reason_title(v.reason)}"
    who = (_("reported by {reporter}").format(reporter=v.reporter) if v.reporter
           else _("your report"))
    by = _("post by {author}").format(author=v.post_author)
    unverified = "" if v.verified else " (" + _("signature does not check out") + ")"
    lines = [head, f"  {who}; {by}{unverified}:",
             f"  > {fmt.safe(v.post_text)}"]
    if v.text:
        lines.append(f"  {fmt.safe(v.text)}")
    return "\n".join(lines)


def reports(c: Command) -> None:
    words = c.args.words
    svc = c.open().reports
    if words[0] in ("resolve", "approve", "reject"):
        if len(words) != 3:
            raise UsageError(_("usage: coterie reports {action} GROUP ID").format(
                action=words[0]))
        group, ref = words[1], words[2]
        if words[0] == "resolve":
            svc.resolve(group, ref, c.args.action or "dismiss", c.args.duration)
            c.flush()
            c.say(_("Report resolved ({action}); the reporter's app shows it was handled.")
                  .format(action=c.args.action or "dismiss"))
        else:
            svc.approve(group, ref, words[0] == "approve")
            c.flush()
            c.say(_("Post approved; every member's app shows it when it syncs.")
                  if words[0] == "approve" else _("Post rejected; no one else will see it."))
        return
    if len(words) != 1:
        raise UsageError(_("usage: coterie reports GROUP [--json]"))
    rows = svc.reports(words[0])
    held = svc.held(words[0])
    text = "\n".join(_report_line(v) for v in rows) or _("No reports.")
    if held:
        text += "\n" + _("Waiting for approval:") + "\n" + "\n".join(
            f"{v.id}  {v.author}: {fmt.safe(v.text)}" for v in held)
    c.out({"reports": [_report_json(v) for v in rows], "held": [_held_json(v) for v in held]},
          text)


def rules(c: Command) -> None:
    svc = c.open().reports
    if c.args.set_file:
        try:
            text = Path(c.args.set_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(_("Cannot read the rules file: {why}").format(
                why=exc.strerror or exc)) from exc
        svc.set_rules(c.args.group, text)
        c.flush()
    view = svc.rules(c.args.group)
    svc.mark_rules_seen(c.args.group)
    c.out({"rules": view.text, "set_by": view.set_by, "set_at": view.set_at,
           "changed": view.unseen_change},
          (("(" + _("changed since you last read them") + ")\n") if view.unseen_change else "")
          + (fmt.safe(view.text) if view.text else _("This group has no rules.")))


def register(sub: SubParsers) -> None:
    p = command(sub, "report", _("report a post to the group's moderators and admins (only "
                                 "they can read it)"), report, "group", "post", sends=True)
    p.add_argument("reason", choices=REASONS, help=_("why"))
    p.add_argument("--text", help=_("more detail for the moderators (at most 1,000 bytes)"))
    p = sub.add_parser("reports", help=_(
        "the moderators' queue: reports and newcomers' posts waiting for approval; `reports "
        "resolve GROUP REPORT_ID [--action remove|timeout|ban|dismiss] [--duration D]`, "
        "`reports approve|reject GROUP POST_ID`"))
    p.set_defaults(handler=reports, sends=False)
    p.add_argument("words", nargs="+", metavar="ARG",
                   help=_("GROUP (the queue), or resolve GROUP REPORT_ID, approve GROUP "
                          "POST_ID, reject GROUP POST_ID"))
    p.add_argument("--action", choices=OUTCOMES, help=_("what resolving does (default dismiss)"))
    p.add_argument("--duration", type=duration, help=_("a timeout's length, such as 2h or 3d "
                                                       "(default 1 day)"))
    p.add_argument("--json", action="store_true", help=_("print one JSON document"))
    p = command(sub, "rules", _("show the group's rules, or set them from a Markdown file "
                                "(admins)"), rules, "group")
    p.add_argument("--set-file", metavar="PATH", help=_("a UTF-8 Markdown file with the rules"))
