"""Polls in the window: a new poll, and one poll's results with vote, retract and close.

Every service call runs on the worker (ServiceDialog.call); the results come back as a new
PollView and the dialog redraws from it, so what it shows is what the store holds.
"""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.polls_views import PollView
from ui.context import AppContext
from ui.dialogs.base import ServiceDialog

CLOSES = ((QT_TRANSLATE_NOOP("Polls", "Closes by hand"), None),
          (QT_TRANSLATE_NOOP("Polls", "Closes in 1 hour"), 3600),
          (QT_TRANSLATE_NOOP("Polls", "Closes in 1 day"), 86400),
          (QT_TRANSLATE_NOOP("Polls", "Closes in 1 week"), 7 * 86400))
MAX_OPTIONS = 12


class NewPollDialog(ServiceDialog):
    """Question, 2-12 options, one or several choices, anonymous, a close time."""

    def __init__(self, ctx: AppContext, group_id: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx.worker, QCoreApplication.translate("Polls", "New poll"), parent)
        self._ctx, self._group = ctx, group_id
        self.created: PollView | None = None
        self.setMinimumWidth(460)
        self.question = QLineEdit()
        self.question.setPlaceholderText(QCoreApplication.translate("Polls", "Ask a question"))
        self.question.setAccessibleName(QCoreApplication.translate("Polls", "Question"))
        self.option_edits: list[QLineEdit] = []
        self.options_box = QVBoxLayout()
        for _ in range(2):
            self._add_option()
        self.add_button = QPushButton(QCoreApplication.translate("Polls", "Add an option"))
        self.add_button.clicked.connect(lambda: self._add_option(focus=True))
        self.multi = QCheckBox(QCoreApplication.translate("Polls", "Members may choose several options"))
        self.anonymous = QCheckBox(QCoreApplication.translate("Polls", "Anonymous: the creator sees who voted; others see totals"))
        self.closes = QComboBox()
        self.closes.setAccessibleName(QCoreApplication.translate("Polls", "When the poll closes"))
        for label, _seconds in CLOSES:
            self.closes.addItem(QCoreApplication.translate("Polls", label))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = self.buttons.addButton(QCoreApplication.translate("Polls", "Create poll"),
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_button.setProperty("primary", True)
        self.create_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._busy_buttons = [self.create_button]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addWidget(self.question)
        layout.addLayout(self.options_box)
        layout.addWidget(self.add_button)
        layout.addWidget(self.multi)
        layout.addWidget(self.anonymous)
        layout.addWidget(self.closes)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def _add_option(self, focus: bool = False) -> None:
        if len(self.option_edits) >= MAX_OPTIONS:
            return
        edit = QLineEdit()
        label = QCoreApplication.translate("Polls", "Option {n}").format(n=len(self.option_edits) + 1)
        edit.setPlaceholderText(label)
        edit.setAccessibleName(label)
        self.option_edits.append(edit)
        self.options_box.addWidget(edit)
        if focus:
            edit.setFocus()
        if hasattr(self, "add_button"):
            self.add_button.setEnabled(len(self.option_edits) < MAX_OPTIONS)

    def accept(self) -> None:
        if self.busy:
            return
        question = self.question.text()
        options = [e.text() for e in self.option_edits if e.text().strip()]
        seconds = CLOSES[self.closes.currentIndex()][1]
        multi, anonymous = self.multi.isChecked(), self.anonymous.isChecked()
        svc, group = self._ctx.services, self._group

        def done(view: object) -> None:
            assert isinstance(view, PollView)
            self.created = view
            super(NewPollDialog, self).accept()

        self.call(lambda: svc.polls.create(group, question, options, multi=multi,
                                           anonymous=anonymous, closes_in=seconds), done)


class PollDialog(ServiceDialog):
    """One poll: its results, my choice, and vote / retract / close."""

    def __init__(self, ctx: AppContext, group_id: str, poll: PollView,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx.worker, QCoreApplication.translate("Polls", "Poll"), parent)
        self._ctx, self._group, self.poll = ctx, group_id, poll
        self.setMinimumWidth(440)
        self.question = QLabel()
        self.question.setWordWrap(True)
        self.question.setObjectName("dialogTitle")
        bold = self.question.font()
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.15)
        self.question.setFont(bold)
        self.state = QLabel()
        self.state.setObjectName("hint")
        self.state.setWordWrap(True)
        self.choices_box = QVBoxLayout()
        self.choice_buttons: list[QAbstractButton] = []
        self.group_box = QButtonGroup(self)
        self.vote_button = QPushButton(QCoreApplication.translate("Polls", "Change vote"))
        self.vote_button.setMinimumWidth(self.vote_button.sizeHint().width())
        self.vote_button.setProperty("primary", True)
        self.vote_button.clicked.connect(self.vote)
        self.retract_button = QPushButton(QCoreApplication.translate("Polls", "Retract my vote"))
        self.retract_button.clicked.connect(self.retract)
        self.close_button = QPushButton(QCoreApplication.translate("Polls", "Close poll"))
        self.close_button.clicked.connect(self.close_poll)
        self._busy_buttons = [self.vote_button, self.retract_button, self.close_button]
        row = QHBoxLayout()
        row.addWidget(self.close_button)
        row.addStretch(1)
        row.addWidget(self.retract_button)
        row.addWidget(self.vote_button)
        done = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        done.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addWidget(self.question)
        layout.addWidget(self.state)
        layout.addLayout(self.choices_box)
        layout.addWidget(self.error_label)
        layout.addLayout(row)
        layout.addWidget(done)
        self.show_poll(poll)

    def show_poll(self, poll: PollView) -> None:
        self.poll = poll
        self.question.setText(poll.question)
        lines = []
        if poll.anonymous:
            lines.append(QCoreApplication.translate("Polls", "Anonymous: the creator sees who voted; others see totals."))
        lines.append((QCoreApplication.translate("Polls", "Closed.") + " " if poll.closed else "")
                     + (QCoreApplication.translate("Polls", "You voted.") if poll.i_voted else QCoreApplication.translate("Polls", "You have not voted.")))
        self.state.setText("\n".join(lines))
        for b in self.choice_buttons:
            self.group_box.removeButton(b)
            self.choices_box.removeWidget(b)
            b.deleteLater()
        self.choice_buttons = []
        self.group_box.setExclusive(not poll.multi)
        for i, option in enumerate(poll.options):
            who = f" — {', '.join(option.voters)}" if option.voters else ""
            text = f"{option.text}   ({option.count}){who}"
            button: QAbstractButton = QCheckBox(text) if poll.multi else QRadioButton(text)
            button.setChecked(option.mine)
            button.setEnabled(not poll.closed)
            button.toggled.connect(lambda _on: self.refresh_buttons())
            self.group_box.addButton(button, i)
            self.choices_box.addWidget(button)
            button.show()
            self.choice_buttons.append(button)
        self.refresh_buttons()
        self.fit_height()

    def _chosen(self) -> list[str]:
        return [str(i + 1) for i, b in enumerate(self.choice_buttons) if b.isChecked()]

    def refresh_buttons(self) -> None:
        if self.busy:
            return
        p = self.poll
        self.vote_button.setText(QCoreApplication.translate("Polls", "Change vote") if p.i_voted else QCoreApplication.translate("Polls", "Vote"))
        self.vote_button.setEnabled(not p.closed and bool(self._chosen()))
        self.retract_button.setEnabled(not p.closed and p.i_voted)
        self.retract_button.setVisible(not p.closed)
        self.close_button.setVisible(p.can_close)

    def _update(self, view: object) -> None:
        assert isinstance(view, PollView)
        self.show_poll(view)

    def vote(self) -> None:
        chosen, svc, group, poll = self._chosen(), self._ctx.services, self._group, self.poll.id
        self.call(lambda: svc.polls.vote(group, poll, chosen), self._update)

    def retract(self) -> None:
        svc, group, poll = self._ctx.services, self._group, self.poll.id
        self.call(lambda: svc.polls.retract(group, poll), self._update)

    def close_poll(self) -> None:
        svc, group, poll = self._ctx.services, self._group, self.poll.id
        self.call(lambda: svc.polls.close(group, poll), self._update)
