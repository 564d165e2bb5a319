"""Reports, the moderators' queue and the group's rules.

- ReportDialog: report a post to the group's moderators and admins (reason + free text);
  only they can read it.
- ReportQueueDialog: moderators and admins see every report (new, handled) with the post in
  context and resolve it (remove the post, time its author out, ban, dismiss), and the
  newcomers' posts waiting for approval; a member sees the reports they filed and whether
  each was handled (not by whom).
- RulesDialog: the group's rules (Markdown); admins edit them; shown once by itself after a
  change.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.governance import can
from app.reports import REASONS, HeldPostView, ReportView, RulesView, reason_title
from app.views import GroupSummary
from ui import timefmt
from ui.context import AppContext
from ui.dialogs.base import ServiceDialog
from ui.markdown import SafeDocument, render_into

ID_ROLE = Qt.ItemDataRole.UserRole + 1


def rules_browser(text: str, parent: QWidget | None = None) -> QTextBrowser:
    """The rules rendered as safe Markdown (no remote resources, links not followed)."""
    browser = QTextBrowser(parent)
    browser.setOpenLinks(False)
    browser.setOpenExternalLinks(False)
    doc = SafeDocument(browser)
    render_into(doc, text)
    browser.setDocument(doc)
    browser.setAccessibleName(QCoreApplication.translate("RulesDialog", "The group's rules"))
    return browser


def set_rules_text(browser: QTextBrowser, text: str) -> None:
    doc = browser.document()
    render_into(doc, text)


class ReportDialog(ServiceDialog):
    """Report one post to the group's moderators and admins."""

    sent = Signal(str)  # report id

    def __init__(self, ctx: AppContext, group_id: str, post_id: str, author: str,
                 excerpt: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx.worker, QCoreApplication.translate("ReportDialog", "Report a post"), parent)
        self._ctx = ctx
        self._group_id = group_id
        self._post_id = post_id
        self.setMinimumWidth(460)
        intro = QLabel(QCoreApplication.translate("ReportDialog", "Only the group's moderators and admins can read "
                          "your report. It carries the post as {author} signed it, so they "
                          "can check who wrote it.").format(author=author))
        intro.setWordWrap(True)
        quote = QLabel(excerpt)
        quote.setObjectName("hint")
        quote.setWordWrap(True)
        quote.setTextFormat(Qt.TextFormat.PlainText)
        quote.setAccessibleName(QCoreApplication.translate("ReportDialog", "The reported post"))
        self.reason = QComboBox()
        self.reason.setAccessibleName(QCoreApplication.translate("ReportDialog", "Reason"))
        for code in REASONS:
            self.reason.addItem(reason_title(code), code)
        self.details = QPlainTextEdit()
        self.details.setPlaceholderText(QCoreApplication.translate("ReportDialog", "Anything the moderators should "
                                           "know (optional)"))
        self.details.setAccessibleName(QCoreApplication.translate("ReportDialog", "Details for the moderators"))
        self.details.setFixedHeight(90)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.send_button = buttons.addButton(QCoreApplication.translate("ReportDialog", "Send report"),
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        self.send_button.setProperty("primary", True)
        self.send_button.clicked.connect(self._send)
        buttons.rejected.connect(self.reject)
        self._busy_buttons = [self.send_button]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addWidget(intro)
        layout.addWidget(quote)
        layout.addWidget(QLabel(QCoreApplication.translate("ReportDialog", "Why are you reporting it?")))
        layout.addWidget(self.reason)
        layout.addWidget(self.details)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def _send(self) -> None:
        gid, post = self._group_id, self._post_id
        reason = self.reason.currentData()
        text = self.details.toPlainText()
        svc = self._ctx.services
        self.call(lambda: svc.reports.report(gid, post, reason, text), self._done)

    def _done(self, report_id: str) -> None:
        self.sent.emit(report_id)
        self.accept()


class ReportQueueDialog(ServiceDialog):
    """Reports and posts waiting for approval (moderators, admins); my reports (members)."""

    def __init__(self, ctx: AppContext, group: GroupSummary,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx.worker, QCoreApplication.translate("ReportQueueDialog", "Reports in {name}").format(
            name=group.name), parent)
        self._ctx = ctx
        self._group = group
        self._moderates = can(group.my_role, "moderate")
        self._reports: dict[str, ReportView] = {}
        self._held: dict[str, HeldPostView] = {}
        self.setMinimumSize(640, 480)
        intro = QLabel(QCoreApplication.translate("ReportQueueDialog", "Reports are readable only by moderators and "
                          "admins. Resolving one tells its reporter it was handled, not by "
                          "whom.") if self._moderates else
                       QCoreApplication.translate("ReportQueueDialog", "Your reports, and whether a moderator has "
                          "handled them."))
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName(QCoreApplication.translate("ReportQueueDialog", "Reports"))
        self.list.setWordWrap(True)
        self.list.currentItemChanged.connect(self._selected)
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        self.detail.setAccessibleName(QCoreApplication.translate("ReportQueueDialog", "The reported post in context"))
        self.empty_label = QLabel(QCoreApplication.translate("ReportQueueDialog", "No reports and no posts waiting."))
        self.empty_label.setObjectName("hint")
        actions = QHBoxLayout()
        actions.setContentsMargins(0, 0, 0, 0)
        self.remove_button = QPushButton(QCoreApplication.translate("ReportQueueDialog", "Remove post"))
        self.timeout_button = QPushButton(QCoreApplication.translate("ReportQueueDialog", "Time out for a day"))
        self.ban_button = QPushButton(QCoreApplication.translate("ReportQueueDialog", "Ban"))
        self.dismiss_button = QPushButton(QCoreApplication.translate("ReportQueueDialog", "Dismiss"))
        self.approve_button = QPushButton(QCoreApplication.translate("ReportQueueDialog", "Approve"))
        self.approve_button.setProperty("primary", True)
        self.reject_button = QPushButton(QCoreApplication.translate("ReportQueueDialog", "Reject"))
        for button, action in ((self.remove_button, "remove"),
                               (self.timeout_button, "timeout"),
                               (self.ban_button, "ban"), (self.dismiss_button, "dismiss")):
            button.clicked.connect(lambda _c=False, a=action: self._resolve(a))
            actions.addWidget(button)
        self.approve_button.clicked.connect(lambda: self._approve(True))
        self.reject_button.clicked.connect(lambda: self._approve(False))
        actions.addWidget(self.approve_button)
        actions.addWidget(self.reject_button)
        actions.addStretch(1)
        self.action_row = QFrame()
        self.action_row.setLayout(actions)
        self.action_row.setVisible(self._moderates)
        self.approve_first = QCheckBox(QCoreApplication.translate(
            "ReportQueueDialog", "A new member's first post waits for a moderator's approval"))
        self.approve_first.setAccessibleName(QCoreApplication.translate(
            "ReportQueueDialog", "First-post approval for new members"))
        self.approve_first.setVisible(can(group.my_role, "manage_members"))
        self.approve_first.toggled.connect(self._approve_first)
        self._busy_buttons = [self.remove_button, self.timeout_button, self.ban_button,
                              self.dismiss_button, self.approve_button, self.reject_button]
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addWidget(intro)
        layout.addWidget(self.list, 2)
        layout.addWidget(self.detail, 3)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.action_row)
        layout.addWidget(self.approve_first)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        ctx.events.posts.connect(self._event)
        self.refresh()

    def refresh(self) -> None:
        gid = self._group.id
        svc = self._ctx.services
        self._ctx.worker.run(lambda: (svc.reports.reports(gid), svc.reports.held(gid),
                                      svc.moderation.approve_first(gid)),
                             self._show, lambda e: self.show_error(str(e)), owner=self)

    def _approve_first(self, on: bool) -> None:
        gid, svc = self._group.id, self._ctx.services
        self.call(lambda: svc.moderation.settings(gid, approve_first=on), lambda _r: None)

    def _event(self, group_id: object, *_rest: object) -> None:
        if group_id == self._group.id and not self.busy:
            self.refresh()

    def _show(self, rows: tuple[list[ReportView], list[HeldPostView], bool]) -> None:
        reports, held, approve_first = rows
        self.approve_first.blockSignals(True)
        self.approve_first.setChecked(approve_first)
        self.approve_first.blockSignals(False)
        current = self.list.currentItem()
        keep = current.data(ID_ROLE) if current is not None else None
        self._reports = {r.id: r for r in reports}
        self._held = {h.id: h for h in held}
        self.list.clear()
        for h in held:
            item = QListWidgetItem(QCoreApplication.translate("ReportQueueDialog", "Waiting for approval — {author}: "
                                      "{text}").format(author=h.author,
                                                        text=_line(h.text)))
            item.setData(ID_ROLE, ("held", h.id))
            self.list.addItem(item)
        for r in sorted(reports, key=lambda r: (r.status != "new", -r.sent_at)):
            status = (QCoreApplication.translate("ReportQueueDialog", "New") if r.status == "new"
                      else QCoreApplication.translate("ReportQueueDialog", "Handled"))
            item = QListWidgetItem(QCoreApplication.translate("ReportQueueDialog", "{status} · {reason} — post by "
                                      "{author}: {text}").format(
                status=status, reason=reason_title(r.reason), author=r.post_author,
                text=_line(r.post_text)))
            item.setData(ID_ROLE, ("report", r.id))
            self.list.addItem(item)
        self.empty_label.setVisible(not reports and not held)
        for i in range(self.list.count()):
            if self.list.item(i).data(ID_ROLE) == keep:
                self.list.setCurrentRow(i)
                break
        else:
            if self.list.count():
                self.list.setCurrentRow(0)
        self._selected()

    def _current(self) -> tuple[str, str] | None:
        item = self.list.currentItem()
        return item.data(ID_ROLE) if item is not None else None

    def _selected(self, *_args: object) -> None:
        cur = self._current()
        report = self._reports.get(cur[1]) if cur and cur[0] == "report" else None
        held = self._held.get(cur[1]) if cur and cur[0] == "held" else None
        self.detail.setHtml(_report_html(report) if report is not None else
                            _held_html(held) if held is not None else "")
        new = report is not None and report.status == "new" and self._moderates
        for b in (self.remove_button, self.timeout_button, self.dismiss_button):
            b.setVisible(new)
        self.ban_button.setVisible(new and can(self._group.my_role, "manage_members"))
        for b in (self.approve_button, self.reject_button):
            b.setVisible(held is not None and self._moderates)

    def refresh_buttons(self) -> None:
        self._selected()

    def _resolve(self, action: str) -> None:
        cur = self._current()
        if not cur or cur[0] != "report":
            return
        gid, rid, svc = self._group.id, cur[1], self._ctx.services
        self.call(lambda: svc.reports.resolve(gid, rid, action), lambda _r: self.refresh())

    def _approve(self, approve: bool) -> None:
        cur = self._current()
        if not cur or cur[0] != "held":
            return
        gid, pid, svc = self._group.id, cur[1], self._ctx.services
        self.call(lambda: svc.reports.approve(gid, pid, approve), lambda _r: self.refresh())


def _line(text: str, limit: int = 80) -> str:
    one = " ".join(text.split())
    return one if len(one) <= limit else one[:limit - 1] + "…"


def _esc(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\n", "<br>"))


def _report_html(r: ReportView) -> str:
    parts = [f"<p><b>{_esc(reason_title(r.reason))}</b>"]
    if r.reporter:
        parts.append(" — " + _esc(QCoreApplication.translate("ReportQueueDialog", "reported by {name} on {time}")
                                  .format(name=r.reporter, time=timefmt.full(r.sent_at))))
    else:
        parts.append(" — " + _esc(QCoreApplication.translate("ReportQueueDialog", "your report of {time}").format(
            time=timefmt.full(r.sent_at))))
    parts.append("</p>")
    if r.text:
        parts.append(f"<p>{_esc(r.text)}</p>")
    verified = (QCoreApplication.translate("ReportQueueDialog", "signed by its author") if r.verified
                else QCoreApplication.translate("ReportQueueDialog", "its signature does not check out"))
    parts.append("<p>" + _esc(QCoreApplication.translate("ReportQueueDialog", "Post by {author} ({verified}):")
                              .format(author=r.post_author, verified=verified)) + "</p>")
    if r.context:
        parts.append("<table cellspacing='4'>")
        for p in r.context:
            style = " style='background-color: rgba(220, 60, 60, 0.18)'" if p.reported else ""
            parts.append(f"<tr{style}><td><b>{_esc(p.author)}</b></td>"
                         f"<td>{_esc(p.text)}</td></tr>")
        parts.append("</table>")
    else:
        parts.append(f"<blockquote>{_esc(r.post_text)}</blockquote>")
    if r.status == "handled":
        if r.handled_by:
            what = QCoreApplication.translate("ReportQueueDialog", "Handled by {name}: {outcome}.").format(
                name=r.handled_by, outcome=_outcome(r.outcome or "dismiss"))
        else:
            what = QCoreApplication.translate("ReportQueueDialog", "A moderator handled this report.")
        parts.append(f"<p><i>{_esc(what)}</i></p>")
    return "".join(parts)


def _held_html(h: HeldPostView) -> str:
    intro = QCoreApplication.translate("ReportQueueDialog", "{author} is new here; their first post waits for a "
               "moderator. Approving it shows it to everyone and ends the wait for their "
               "later posts.").format(author=h.author)
    return f"<p>{_esc(intro)}</p><blockquote>{_esc(h.text)}</blockquote>"


def _outcome(code: str) -> str:
    return {"dismiss": QCoreApplication.translate("ReportQueueDialog", "dismissed"),
            "remove": QCoreApplication.translate("ReportQueueDialog", "post removed"),
            "timeout": QCoreApplication.translate("ReportQueueDialog", "author timed out"),
            "ban": QCoreApplication.translate("ReportQueueDialog", "author banned")}.get(code, code)


class RulesDialog(ServiceDialog):
    """The group's rules; admins edit them. With `changed`, the notice shown once after an
    admin changed them."""

    def __init__(self, ctx: AppContext, group: GroupSummary, parent: QWidget | None = None,
                 changed: bool = False) -> None:
        super().__init__(ctx.worker, (QCoreApplication.translate("RulesDialog", "The rules of {name} changed") if changed
                                      else QCoreApplication.translate("RulesDialog", "Rules of {name}")).format(
            name=group.name), parent)
        self._ctx = ctx
        self._group = group
        self.setMinimumSize(520, 420)
        self.intro = QLabel(QCoreApplication.translate("RulesDialog", "An admin changed the group's rules. Here they "
                               "are, as they stand now.") if changed else
                            QCoreApplication.translate("RulesDialog", "Every member sees these rules; new members "
                               "accept them before they join."))
        self.intro.setWordWrap(True)
        self.browser = rules_browser("")
        self.editor = QPlainTextEdit()
        self.editor.setAccessibleName(QCoreApplication.translate("RulesDialog", "Rules (Markdown)"))
        self.editor.setPlaceholderText(QCoreApplication.translate("RulesDialog", "# Our rules\n\n- Be kind\n- No spam"))
        self.editor.hide()
        self.set_by = QLabel()
        self.set_by.setObjectName("hint")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.edit_button = buttons.addButton(QCoreApplication.translate("RulesDialog", "Edit…"),
                                             QDialogButtonBox.ButtonRole.ActionRole)
        self.edit_button.setVisible(can(group.my_role, "manage_members") and not changed)
        self.edit_button.clicked.connect(self._edit)
        self.save_button = buttons.addButton(QCoreApplication.translate("RulesDialog", "Save for everyone"),
                                             QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.setProperty("primary", True)
        self.save_button.hide()
        self.save_button.clicked.connect(self._save)
        self._busy_buttons = [self.save_button]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addWidget(self.intro)
        layout.addWidget(self.browser, 1)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.set_by)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self._text = ""
        self.refresh()

    def refresh(self) -> None:
        gid, svc = self._group.id, self._ctx.services

        def load() -> RulesView:
            view = svc.reports.rules(gid)
            svc.reports.mark_rules_seen(gid)   # shown: the change notice is not repeated
            return view

        self._ctx.worker.run(load, self._show, lambda e: self.show_error(str(e)), owner=self)

    def _show(self, view: RulesView) -> None:
        self._text = view.text
        set_rules_text(self.browser, view.text or QCoreApplication.translate("RulesDialog", "This group has no rules "
                                                     "yet."))
        if view.set_by and view.set_at:
            self.set_by.setText(QCoreApplication.translate("RulesDialog", "Set by {name} on {time}").format(
                name=view.set_by, time=timefmt.full(view.set_at)))
        self.set_by.setVisible(bool(view.set_by and view.set_at))

    def _edit(self) -> None:
        self.editor.setPlainText(self._text)
        self.browser.hide()
        self.editor.show()
        self.edit_button.hide()
        self.save_button.show()
        self.editor.setFocus()

    def _save(self) -> None:
        gid, text, svc = self._group.id, self.editor.toPlainText(), self._ctx.services
        self.call(lambda: svc.reports.set_rules(gid, text), lambda _r: self._saved())

    def _saved(self) -> None:
        self.editor.hide()
        self.browser.show()
        self.save_button.hide()
        self.edit_button.show()
        self.refresh()
