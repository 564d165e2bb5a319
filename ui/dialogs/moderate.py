"""Moderation from the window, for moderators, admins and the owner: every action is a
signed entry each member's Coterie enforces and lists in the moderation log.

- RemovePostDialog: remove someone's post for everyone, with an optional reason.
- TimeoutDialog: time a member out for a while (they read, but cannot post, react or vote),
  or lift their timeout early.
- ChannelRulesDialog: slow mode (one post per N seconds per member) and the lock of one
  channel (read-only for members).
"""
from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.moderation import ModLogView, Standing
from ui import timefmt
from ui.context import AppContext
from ui.dialogs.base import ServiceDialog

REASON_MAX_BYTES = 200   # crypto.moderation.MAX_REASON_BYTES; the service checks it too


def _reason_edit(owner: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(QCoreApplication.translate(
        "ModerateDialog", "Optional; shown in the moderation log"))
    edit.setAccessibleName(QCoreApplication.translate("ModerateDialog", "Reason"))
    edit.setMaxLength(REASON_MAX_BYTES)
    edit.setObjectName(owner + "Reason")
    return edit


def _durations() -> list[tuple[str, int]]:
    return [
        (QCoreApplication.translate("ModerateDialog", "10 minutes"), 600),
        (QCoreApplication.translate("ModerateDialog", "1 hour"), 3600),
        (QCoreApplication.translate("ModerateDialog", "1 day"), 86400),
        (QCoreApplication.translate("ModerateDialog", "1 week"), 7 * 86400),
    ]


def _slow_modes() -> list[tuple[str, int]]:
    return [
        (QCoreApplication.translate("ModerateDialog", "Off"), 0),
        (QCoreApplication.translate("ModerateDialog", "One post every 10 seconds"), 10),
        (QCoreApplication.translate("ModerateDialog", "One post every 30 seconds"), 30),
        (QCoreApplication.translate("ModerateDialog", "One post a minute"), 60),
        (QCoreApplication.translate("ModerateDialog", "One post every 5 minutes"), 300),
        (QCoreApplication.translate("ModerateDialog", "One post an hour"), 3600),
    ]


class _ActionDialog(ServiceDialog):
    """A short moderation form: an explanation, fields, and one action button."""

    acted = Signal()

    def __init__(self, ctx: AppContext, title: str, intro: str, action: str,
                 parent: QWidget | None) -> None:
        super().__init__(ctx.worker, title, parent)
        self._ctx = ctx
        self.setMinimumWidth(480)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        self.form = QFormLayout()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.action_button = self.buttons.addButton(action,
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.action_button.setDefault(True)
        self.buttons.accepted.connect(self._act)
        self.buttons.rejected.connect(self.reject)
        self._busy_buttons = [self.action_button]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def _act(self) -> None:
        raise NotImplementedError

    def _finished(self, _result: object = None) -> None:
        self.acted.emit()
        self.accept()


class RemovePostDialog(_ActionDialog):
    def __init__(self, ctx: AppContext, group_id: str, post_id: str, author: str,
                 excerpt: str, parent: QWidget | None = None) -> None:
        super().__init__(
            ctx, QCoreApplication.translate("ModerateDialog", "Remove a post"),
            QCoreApplication.translate(
                "ModerateDialog", "Remove this post by {author} for everyone in the group? "
                "A note that a moderator removed it stays in its place, and the moderation "
                "log names you and your reason.").format(author=author),
            QCoreApplication.translate("ModerateDialog", "Remove post"), parent)
        self._group_id, self._post_id = group_id, post_id
        quote = QLabel(excerpt)
        quote.setObjectName("hint")
        quote.setWordWrap(True)
        quote.setTextFormat(Qt.TextFormat.PlainText)
        quote.setAccessibleName(QCoreApplication.translate("ModerateDialog", "The post"))
        self.reason = _reason_edit("remove")
        self.form.addRow(quote)
        self.form.addRow(QCoreApplication.translate("ModerateDialog", "Reason"), self.reason)

    def _act(self) -> None:
        gid, pid, why = self._group_id, self._post_id, self.reason.text()
        svc = self._ctx.services
        self.call(lambda: svc.moderation.remove_post(gid, pid, why), self._finished)


class TimeoutDialog(_ActionDialog):
    """Time a member out, or lift the timeout they have."""

    def __init__(self, ctx: AppContext, group_id: str, member: str, fingerprint: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(
            ctx, QCoreApplication.translate("ModerateDialog", "Time out {member}").format(
                member=member),
            QCoreApplication.translate(
                "ModerateDialog", "For the time you choose, {member} can read but cannot "
                "post, react or vote; every member's Coterie refuses what they send, even "
                "if it arrives late. The moderation log shows who did it and why.").format(
                member=member),
            QCoreApplication.translate("ModerateDialog", "Time out"), parent)
        self._group_id, self._member = group_id, fingerprint
        self.duration = QComboBox()
        self.duration.setAccessibleName(QCoreApplication.translate("ModerateDialog",
                                                                   "How long"))
        for text, seconds in _durations():
            self.duration.addItem(text, seconds)
        self.duration.setCurrentIndex(1)
        self.reason = _reason_edit("timeout")
        self.form.addRow(QCoreApplication.translate("ModerateDialog", "How long"),
                         self.duration)
        self.form.addRow(QCoreApplication.translate("ModerateDialog", "Reason"), self.reason)
        self.lift_button = QPushButton(QCoreApplication.translate("ModerateDialog",
                                                                  "Lift the timeout"))
        self.lift_button.setAccessibleName(QCoreApplication.translate(
            "ModerateDialog", "End this member's timeout now"))
        self.lift_button.clicked.connect(self._lift)
        self.buttons.addButton(self.lift_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.lift_button.hide()          # until the log says the member is timed out
        self._busy_buttons.append(self.lift_button)
        self.status = QLabel()
        self.status.setObjectName("hint")
        self.status.setWordWrap(True)
        self.status.hide()               # its text goes under the explanation
        self._intro = self.intro.text()
        svc = ctx.services
        self.call(lambda: svc.moderation.log(group_id), lambda log: self._show(log, member))

    def _show(self, log: list[ModLogView], member: str) -> None:
        """Whether the member is timed out now: the last timeout or lift for them."""
        last = next((v for v in reversed(log) if v.target_fingerprint == self._member
                     and v.action in ("timeout", "lift")), None)
        until = last.until if last is not None and last.action == "timeout" else None
        timed_out = until is not None and until > time.time()
        self.lift_button.setVisible(timed_out)
        self.status.setVisible(timed_out)
        if timed_out and until is not None:
            self.status.setText(QCoreApplication.translate(
                "ModerateDialog", "{member} is timed out until {time}. A new timeout "
                "replaces it.").format(member=member, time=timefmt.list_time(until)))
            self.intro.setText(self._intro + "\n\n" + self.status.text())
        self.fit_height()

    def _act(self) -> None:
        gid, who, why = self._group_id, self._member, self.reason.text()
        seconds = int(self.duration.currentData())
        svc = self._ctx.services
        self.call(lambda: svc.moderation.timeout(gid, who, seconds, why), self._finished)

    def _lift(self) -> None:
        gid, who, svc = self._group_id, self._member, self._ctx.services
        self.call(lambda: svc.moderation.lift(gid, who), self._finished)


class ChannelRulesDialog(_ActionDialog):
    """Slow mode and the lock of one channel."""

    def __init__(self, ctx: AppContext, group_id: str, channel_id: str, channel_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(
            ctx, QCoreApplication.translate("ModerateDialog", "Slow mode and lock of {channel}")
            .format(channel=channel_name),
            QCoreApplication.translate(
                "ModerateDialog", "Slow mode lets each member post once per interval in "
                "{channel}; a locked channel is read-only for members. Moderators and admins "
                "are not limited. Every member's Coterie enforces both.").format(
                channel=channel_name),
            QCoreApplication.translate("ModerateDialog", "Apply"), parent)
        self._group_id, self._channel = group_id, channel_id
        self.slow = QComboBox()
        self.slow.setAccessibleName(QCoreApplication.translate("ModerateDialog", "Slow mode"))
        for text, seconds in _slow_modes():
            self.slow.addItem(text, seconds)
        self.locked = QCheckBox(QCoreApplication.translate(
            "ModerateDialog", "Locked: only moderators and admins post here"))
        self.form.addRow(QCoreApplication.translate("ModerateDialog", "Slow mode"), self.slow)
        self.form.addRow(self.locked)
        svc = ctx.services
        self.call(lambda: svc.moderation.standing(group_id, channel_id), self._show)

    def _show(self, standing: Standing) -> None:
        index = self.slow.findData(standing.slowmode)
        if index < 0:   # a value set elsewhere (the CLI takes any number of seconds)
            self.slow.addItem(QCoreApplication.translate(
                "ModerateDialog", "One post every {seconds} seconds").format(
                seconds=standing.slowmode), standing.slowmode)
            index = self.slow.count() - 1
        self.slow.setCurrentIndex(index)
        self.locked.setChecked(standing.locked)

    def _act(self) -> None:
        gid, cid, svc = self._group_id, self._channel, self._ctx.services
        seconds, locked = int(self.slow.currentData()), self.locked.isChecked()
        self.call(lambda: svc.moderation.channel_rule(gid, cid, slowmode=seconds,
                                                      locked=locked), self._finished)


def composer_notice(standing: Standing) -> str | None:
    """What the composer says instead of taking a post, or None when I may post."""
    if standing.timed_out_until is not None:
        return QCoreApplication.translate(
            "ModerateDialog", "A moderator timed you out until {time}: you can read, but not "
            "post, react or vote.").format(
            time=timefmt.list_time(standing.timed_out_until))
    if standing.locked and not standing.exempt:
        return QCoreApplication.translate(
            "ModerateDialog", "A moderator locked this channel: it is read-only for members.")
    return None
