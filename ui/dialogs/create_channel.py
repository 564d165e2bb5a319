"""New channel (admins): its name, kind, topic line and, for a forum, the tags topics use."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.views import ChannelView, GroupSummary
from ui.context import AppContext
from ui.dialogs.base import ServiceDialog

KINDS = (("chat", QT_TRANSLATE_NOOP("CreateChannelDialog", "Chat — a stream of posts")),
         ("forum", QT_TRANSLATE_NOOP("CreateChannelDialog",
                                     "Forum — every post is a titled topic with its own thread")),
         ("announcements", QT_TRANSLATE_NOOP(
             "CreateChannelDialog", "Announcements — only admins post; members reply in threads")))


class CreateChannelDialog(ServiceDialog):
    created = Signal(object)  # ChannelView

    def __init__(self, ctx: AppContext, group: GroupSummary, parent: QWidget | None = None) -> None:
        super().__init__(ctx.worker, QCoreApplication.translate("CreateChannelDialog", "New channel"), parent)
        self._ctx = ctx
        self._group = group
        self.setMinimumWidth(480)
        intro = QLabel(QCoreApplication.translate(
            "CreateChannelDialog", "A channel in {name}. Every member sees it; only admins can change it."
        ).format(name=group.name))
        intro.setWordWrap(True)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(QCoreApplication.translate("CreateChannelDialog", "e.g. Reading list"))
        self.name_edit.setAccessibleName(QCoreApplication.translate("CreateChannelDialog", "Channel name"))
        self.name_edit.setMaxLength(64)
        self.kind_box = QComboBox()
        self.kind_box.setAccessibleName(QCoreApplication.translate("CreateChannelDialog", "Kind of channel"))
        for kind, label in KINDS:
            self.kind_box.addItem(QCoreApplication.translate("CreateChannelDialog", label), kind)
        self.topic_edit = QLineEdit()
        self.topic_edit.setPlaceholderText(QCoreApplication.translate("CreateChannelDialog", "What the channel is for (optional)"))
        self.topic_edit.setAccessibleName(QCoreApplication.translate("CreateChannelDialog", "Topic"))
        self.tags_edit = QLineEdit()
        self.tags_edit.setPlaceholderText(QCoreApplication.translate("CreateChannelDialog", "fiction, poetry, essays"))
        self.tags_edit.setAccessibleName(QCoreApplication.translate("CreateChannelDialog", "Tags for topics, separated by commas"))
        form = QFormLayout()
        form.addRow(QCoreApplication.translate("CreateChannelDialog", "Name"), self.name_edit)
        form.addRow(QCoreApplication.translate("CreateChannelDialog", "Kind"), self.kind_box)
        form.addRow(QCoreApplication.translate("CreateChannelDialog", "Topic"), self.topic_edit)
        self.tags_label = QLabel(QCoreApplication.translate("CreateChannelDialog", "Tags"))
        form.addRow(self.tags_label, self.tags_edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = self.buttons.addButton(QCoreApplication.translate("CreateChannelDialog", "Create channel"),
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_button.setProperty("primary", True)
        self.create_button.setDefault(True)
        self.buttons.accepted.connect(self._create)
        self.buttons.rejected.connect(self.reject)
        self._busy_buttons = [self.create_button]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.name_edit.textChanged.connect(self.refresh_buttons)
        self.kind_box.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        self.refresh_buttons()

    def _kind_changed(self) -> None:
        forum = self.kind_box.currentData() == "forum"
        self.tags_label.setVisible(forum)
        self.tags_edit.setVisible(forum)
        self.adjustSize()

    def refresh_buttons(self) -> None:
        self.create_button.setEnabled(bool(self.name_edit.text().strip()) and not self.busy)

    def _create(self) -> None:
        name, kind = self.name_edit.text().strip(), self.kind_box.currentData()
        topic = self.topic_edit.text().strip()
        tags = [t.strip() for t in self.tags_edit.text().split(",") if t.strip()] \
            if kind == "forum" else []
        svc, gid = self._ctx.services, self._group.id
        self.call(lambda: svc.channels.create(gid, name, kind, topic, tags), self._done,
                  busy_text=QCoreApplication.translate("CreateChannelDialog", "Creating the channel…"))

    def _done(self, channel: ChannelView) -> None:
        self.created.emit(channel)
        self.accept()
