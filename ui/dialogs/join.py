"""Join a group with an invite link (pasted, or handed over by the coterie:// URL handler).

Before anything is contacted the dialog shows which relay the link names, and asks for a
second confirmation when that address is this computer or a local network (unless it is the
relay this profile is set up with). A join completes only when an admin's client is online
to admit it, so the dialog shows the request's progress and closes itself when the group
arrives.
"""
from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.governance import can
from app.invites import RulesToAccept
from app.views import InviteRelay, JoinView
from ui.context import AppContext
from ui.dialogs.base import ServiceDialog
from ui.dialogs.reports import rules_browser, set_rules_text
from ui.worker import error_sentence

LINK_PREFIX = "coterie://join#"


def known_relays_and_own_links(services: Any) -> tuple[set[str], set[str]]:
    """The relays this profile's groups live on, and the invite links it created (an
    admin's own link is no link to join by)."""
    groups = services.groups.list()
    own = {invite.link for group in groups if can(group.my_role, "manage_members")
           for invite in services.invites.list(group.id)}
    return {group.relay for group in groups}, own


class JoinDialog(ServiceDialog):
    joined = Signal(str)  # group id

    def __init__(self, ctx: AppContext, link: str = "", parent: QWidget | None = None) -> None:
        super().__init__(ctx.worker, QCoreApplication.translate("JoinDialog", "Join a group"), parent)
        self._ctx = ctx
        self.join_id: str | None = None
        self.preview: InviteRelay | None = None
        self._cancel: threading.Event | None = None  # set to stop a join in progress
        self.setMinimumWidth(500)
        intro = QLabel(QCoreApplication.translate("JoinDialog", "Paste the invite link someone sent you. The link stays on this "
                       "computer; only a request to join is sent."))
        intro.setWordWrap(True)
        self.link_edit = QLineEdit(link)
        self.link_edit.setPlaceholderText(QCoreApplication.translate("JoinDialog", "coterie://join#…"))
        self.link_edit.setAccessibleName(QCoreApplication.translate("JoinDialog", "Invite link"))
        self.relay_label = QLabel()
        self.relay_label.setObjectName("hint")
        self.relay_label.setWordWrap(True)
        self.relay_label.setAccessibleName(QCoreApplication.translate("JoinDialog", "Relay of this invite"))
        self.local_frame = QFrame()
        self.local_frame.setObjectName("warningBanner")
        local = QVBoxLayout(self.local_frame)
        local.setContentsMargins(8, 6, 8, 6)
        self.local_label = QLabel()
        self.local_label.setWordWrap(True)
        self.local_label.setAccessibleName(QCoreApplication.translate("JoinDialog", "Warning about the relay address"))
        self.local_box = QCheckBox()
        self.local_box.setAccessibleName(QCoreApplication.translate("JoinDialog", "Contact this address anyway"))
        local.addWidget(self.local_label)
        local.addWidget(self.local_box)
        self.local_frame.hide()
        # The group's rules, shown when the invite carries them: the request is sent only
        # once they are accepted (the request carries that acceptance).
        self.rules_frame = QFrame()
        rules = QVBoxLayout(self.rules_frame)
        rules.setContentsMargins(0, 6, 0, 6)
        self.rules_label = QLabel()
        self.rules_label.setWordWrap(True)
        self.rules_view = rules_browser("")
        self.rules_view.setMinimumHeight(160)
        self.rules_box = QCheckBox(QCoreApplication.translate("JoinDialog", "I accept the group's rules"))
        self.rules_box.setAccessibleName(QCoreApplication.translate("JoinDialog", "Accept the group's rules"))
        rules.addWidget(self.rules_label)
        rules.addWidget(self.rules_view)
        rules.addWidget(self.rules_box)
        self.rules_frame.hide()
        self.status_label = QLabel()
        self.status_label.setObjectName("hint")
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName(QCoreApplication.translate("JoinDialog", "Join status"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.join_button = self.buttons.addButton(QCoreApplication.translate("JoinDialog", "Join"), QDialogButtonBox.ButtonRole.ActionRole)
        self.join_button.setProperty("primary", True)
        self.join_button.setDefault(True)
        self.join_button.setAccessibleName(QCoreApplication.translate("JoinDialog", "Send the join request"))
        self.join_button.clicked.connect(self._join)
        self.stop_button = self.buttons.addButton(QCoreApplication.translate("JoinDialog", "Cancel join"),
                                                  QDialogButtonBox.ButtonRole.ActionRole)
        self.stop_button.setAccessibleName(QCoreApplication.translate("JoinDialog", "Stop contacting the relay"))
        self.stop_button.clicked.connect(self._stop)
        self.stop_button.hide()
        self.buttons.rejected.connect(self.reject)
        self._busy_buttons = [self.join_button]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addWidget(intro)
        layout.addWidget(self.link_edit)
        layout.addWidget(self.relay_label)
        layout.addWidget(self.local_frame)
        layout.addWidget(self.rules_frame)
        layout.addWidget(self.status_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.link_edit.textChanged.connect(self._link_changed)
        self.local_box.toggled.connect(self.refresh_buttons)
        self.rules_box.toggled.connect(self.refresh_buttons)
        ctx.events.joins.connect(self._joins_changed)
        self._known_relays: set[str] = set()  # relays of my groups: no warning for them
        self._judged = ""  # the link the warning was last shown for
        self._link_changed()
        clip = "" if link else QGuiApplication.clipboard().text().strip()
        svc = ctx.services
        ctx.worker.run(lambda: known_relays_and_own_links(svc),
                       lambda known: self._known(known, clip), lambda e: None, owner=self)

    # -- the link ------------------------------------------------------------------------------
    def _known(self, known: tuple[set[str], set[str]], clip: str) -> None:
        """A valid invite link in the clipboard is offered selected (typing replaces it),
        unless it is one of my own invites."""
        relays, own = known
        self._known_relays = relays
        if not clip.startswith(LINK_PREFIX) or clip in own or self.link_edit.text() \
                or self.join_id is not None:
            self._link_changed()
            return
        svc = self._ctx.services
        self._ctx.worker.run(lambda: svc.invites.check_link(clip),
                             lambda _relay: self._offer(clip), lambda e: None, owner=self)

    def _offer(self, clip: str) -> None:
        if self.link_edit.text() or self.join_id is not None:
            return
        self.link_edit.setText(clip)
        self.link_edit.selectAll()
        self.link_edit.setFocus()

    def _link_changed(self) -> None:
        """Judge the link (nothing is contacted for that): show its relay and whether its
        address needs a second yes."""
        text = self.link_edit.text().strip()
        self.preview = None
        if text != self._judged:
            self.local_box.setChecked(False)  # another link: ask again
            self._judged = text
        self.relay_label.setVisible(bool(text))
        self.relay_label.setText("")
        self.local_frame.hide()
        if self.join_id is None:
            self.rules_frame.hide()   # another link: its own rules, read again
            self.rules_box.setChecked(False)
        self.refresh_buttons()
        if not text:
            return
        svc = self._ctx.services
        self._ctx.worker.run(lambda: svc.invites.check_link(text),
                             lambda relay: self._judge(text, relay),
                             lambda exc: self._not_a_link(text, exc), owner=self)

    def _judge(self, text: str, relay: InviteRelay) -> None:
        if text != self.link_edit.text().strip():
            return  # an older answer; the link changed meanwhile
        self.preview = relay
        self.relay_label.setText(QCoreApplication.translate("JoinDialog", 'Relay: {host} — contacted only when you press Join.').format(host=relay.host))
        warn = relay.warn and relay.relay_url not in self._known_relays
        if warn:
            self.local_label.setText(
                QCoreApplication.translate("JoinDialog", 'This link points to {host}, an address on {local}, not on the internet. A link from someone you do not know could use it to reach devices here. Continue only if you expected a relay there.').format(host=relay.host, local=relay.local))
            self.local_box.setText(QCoreApplication.translate("JoinDialog", 'Contact {host} anyway').format(host=relay.host))
        self.local_frame.setVisible(warn)
        self.refresh_buttons()
        self.fit_height()

    def _not_a_link(self, text: str, exc: BaseException) -> None:
        if text == self.link_edit.text().strip():
            self.relay_label.setText(error_sentence(exc))
            self.fit_height()

    def refresh_buttons(self) -> None:
        ready = self.preview is not None and self._cancel is None and (
            not self.local_frame.isVisibleTo(self) or self.local_box.isChecked()) and (
            not self.rules_frame.isVisibleTo(self) or self.rules_box.isChecked())
        self.join_button.setEnabled(ready and not self.busy and self.join_id is None)

    # -- joining -------------------------------------------------------------------------------
    def _join(self) -> None:
        link = self.link_edit.text().strip()
        svc = self._ctx.services
        cancel = self._cancel = threading.Event()
        self.stop_button.show()
        self.stop_button.setEnabled(True)
        accept = self.rules_frame.isVisibleTo(self) and self.rules_box.isChecked()
        self.call(lambda: svc.invites.join(link, cancel, accept_rules=accept), self._sent,
                  slow=True,
                  busy_text=QCoreApplication.translate("JoinDialog", 'Contacting {value} to read the invite and send your request…').format(value=self.preview.host if self.preview else QCoreApplication.translate("JoinDialog", "the relay")),
                  on_error=self._refused)
        self.fit_height()

    def _refused(self, exc: BaseException) -> None:
        """The group has rules: show them; Join sends the request once they are accepted."""
        if isinstance(exc, RulesToAccept):
            self.show_error("")
            self.rules_label.setText(QCoreApplication.translate(
                "JoinDialog", "“{name}” has rules. Read them; you join by accepting them.")
                .format(name=exc.group_name))
            set_rules_text(self.rules_view, exc.rules)
            self.rules_box.setChecked(False)
            self.rules_frame.show()
        self._stopped()

    def _stop(self) -> None:
        """Cancel join: the relay read ends soon, even in the middle of a request."""
        if self._cancel is not None:
            self._cancel.set()
            self.stop_button.setEnabled(False)

    def _stopped(self) -> None:
        self._cancel = None
        self.stop_button.hide()
        self.refresh_buttons()
        self.fit_height()

    def reject(self) -> None:
        self._stop()  # a closed dialog must not leave a join holding the slow lane
        super().reject()

    def _sent(self, view: JoinView) -> None:
        self._stopped()
        self.join_id = view.id
        self.link_edit.setReadOnly(True)
        self.local_frame.hide()
        self.rules_frame.hide()
        self._show(view)
        self.refresh_buttons()

    def _joins_changed(self) -> None:
        if self.join_id is None:
            return
        self._ctx.worker.run(self._ctx.services.invites.joins, self._update, lambda e: None, owner=self)

    def _update(self, joins: list[JoinView]) -> None:
        for view in joins:
            if view.id == self.join_id:
                self._show(view)

    def _show(self, view: JoinView) -> None:
        name = (QCoreApplication.translate("JoinDialog", "“{name}”").format(name=view.group_name) if view.group_name
                else QCoreApplication.translate("JoinDialog", "the group"))
        if view.status == "joined" and view.group_id:
            self.status_label.setText(QCoreApplication.translate("JoinDialog", 'You joined {name}.').format(name=name))
            self.joined.emit(view.group_id)
            self.accept()
            return
        if view.status == "waiting":
            self.status_label.setText(QCoreApplication.translate("JoinDialog", 'Request to join {name} sent. {message} You can close this window; the group appears when you are admitted.').format(name=name, message=view.message))
        else:
            self.status_label.setText(view.message or QCoreApplication.translate("JoinDialog", "Joining {name} did not work.").format(name=name))
        self.fit_height()
