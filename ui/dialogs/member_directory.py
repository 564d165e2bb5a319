"""The member directory of a group (search, roles, badges, joined date), a member's profile
card (avatar, name, pronouns, bio, local time, badges, fingerprint) and the dialog that edits
my own profile in this group. Profiles are per group: a member may be "Ana" in one group
and a pseudonym in another."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.member_profiles import BadgeView, Contributor, ProfileView
from app.views import GroupSummary
from ui import timefmt
from ui.context import AppContext
from ui.dialogs.base import ServiceDialog
from ui.identicon import identicon
from ui.image_preview import ImageRefused, scaled_image
from ui.models.member_model import BADGE_MARK, badge_marks
from ui.roles import MANAGE_ROLES, may, role_title

ROW_AVATAR = 40
CARD_AVATAR = 96


def badge_title(b: BadgeView) -> str:
    """A badge as the window names it: admins' titles as written, automatic ones translated."""
    if b.kind == "granted":
        return b.title
    if b.code == "founding":
        return QCoreApplication.translate("MemberDirectory", "Founding member")
    if b.code == "posts":
        return QCoreApplication.translate("MemberDirectory", "{n} posts").format(n=timefmt.number(b.count))
    if b.code == "welcomer":
        return QCoreApplication.translate("MemberDirectory", "Welcomed a newcomer first") if b.count == 1 else \
            QCoreApplication.translate("MemberDirectory", "Welcomed {n} newcomers first").format(n=timefmt.number(b.count))
    if b.code == "helpful":
        return QCoreApplication.translate("MemberDirectory", "Most helpful")
    return QCoreApplication.translate("MemberDirectory", "One year here") if b.count == 1 else \
        QCoreApplication.translate("MemberDirectory", "{n} years here").format(n=timefmt.number(b.count))


def avatar_pixmap(view: ProfileView, side: int, dpr: float = 1.0) -> QPixmap:
    """The member's avatar decoded under the allocation limit, else their identicon."""
    if view.avatar:
        try:
            image = scaled_image(view.avatar, round(side * dpr))
            pix = QPixmap.fromImage(image.scaled(
                round(side * dpr), round(side * dpr), Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
            pix.setDevicePixelRatio(dpr)
            return pix
        except ImageRefused:
            pass
    return QPixmap.fromImage(identicon(view.fingerprint.replace(" ", ""), side, dpr))


class MemberDirectoryDialog(ServiceDialog):
    """Every member of one group: avatar, name, pronouns, role, badges, joined date."""

    def __init__(self, ctx: AppContext, group: GroupSummary, parent: QWidget | None = None) -> None:
        super().__init__(ctx.worker, QCoreApplication.translate("MemberDirectory", "Members of {name}").format(name=group.name), parent)
        self._ctx = ctx
        self._group = group
        self._views: list[ProfileView] = []
        self.setMinimumSize(600, 460)
        self.search = QLineEdit()
        self.search.setPlaceholderText(QCoreApplication.translate("MemberDirectory", "Search names, pronouns, bios, roles, badges"))
        self.search.setAccessibleName(QCoreApplication.translate("MemberDirectory", "Search members"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self.refresh())
        self.list = QListWidget()
        self.list.setAccessibleName(QCoreApplication.translate("MemberDirectory", "Members"))
        self.list.setIconSize(QSize(ROW_AVATAR, ROW_AVATAR))
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(self._open_card)
        self.list.itemDoubleClicked.connect(self._open_card)
        self.empty_label = QLabel(QCoreApplication.translate("MemberDirectory", "No member matches."))
        self.empty_label.setObjectName("hint")
        self.empty_label.hide()
        self.top_box = QCheckBox(QCoreApplication.translate("MemberDirectory", "Show this month's top contributors (counted on this "
                                     "computer, never sent)"))
        self.top_box.toggled.connect(self._top_toggled)
        self.top_list = QListWidget()
        self.top_list.setAccessibleName(QCoreApplication.translate("MemberDirectory", "Top contributors this month"))
        self.top_list.setMaximumHeight(110)
        self.top_list.hide()
        self.edit_button = QPushButton(QCoreApplication.translate("MemberDirectory", "Edit my profile in this group…"))
        self.edit_button.clicked.connect(self._edit_mine)
        self.card_button = QPushButton(QCoreApplication.translate("MemberDirectory", "Profile card"))
        self.card_button.clicked.connect(lambda: self._open_card(self.list.currentItem()))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.edit_button)
        row.addWidget(self.card_button)
        row.addStretch(1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.top_box)
        layout.addWidget(self.top_list)
        layout.addWidget(self.error_label)
        layout.addLayout(row)
        ctx.events.members.connect(self._event)
        self.edit_button.setEnabled(group.status == "active")
        self._ctx.worker.run(
            lambda: ctx.services.member_profiles.top_contributors_enabled(group.id),
            lambda on: self.top_box.setChecked(bool(on)), owner=self)
        self.refresh()

    # -- loading -------------------------------------------------------------------------------
    def refresh(self) -> None:
        gid, query = self._group.id, self.search.text()
        self._ctx.worker.run(lambda: self._ctx.services.member_profiles.directory(gid, query),
                             self._show, lambda e: self.show_error(str(e)), owner=self)

    def _event(self, group_id: object) -> None:
        if group_id == self._group.id:
            self.refresh()
            if self.top_box.isChecked():
                self._load_top()

    def _show(self, views: list[ProfileView]) -> None:
        self._views = views
        current = self.list.currentRow()
        self.list.clear()
        dpr = self.devicePixelRatioF()
        for v in views:
            item = QListWidgetItem(self._row_text(v))
            item.setIcon(avatar_pixmap(v, ROW_AVATAR, dpr))
            item.setData(Qt.ItemDataRole.UserRole, v.fingerprint)
            item.setToolTip(", ".join(badge_title(b) for b in v.badges) or v.fingerprint)
            self.list.addItem(item)
        self.empty_label.setVisible(not views)
        if views:
            self.list.setCurrentRow(min(max(current, 0), len(views) - 1))

    @staticmethod
    def _row_text(v: ProfileView) -> str:
        name = v.name + (QCoreApplication.translate("MemberDirectory", " (you)") if v.is_me else "")
        if v.pronouns:
            name += f" · {v.pronouns}"
        marks = badge_marks(len(v.badges))
        if marks:
            name += f"  {marks}"
        details = [role_title(v.role)]
        if v.name != v.member_name:
            details.append(QCoreApplication.translate("MemberDirectory", "listed as {name}").format(name=v.member_name))
        if v.joined_at:
            details.append(QCoreApplication.translate("MemberDirectory", "joined {date}").format(date=timefmt.day_label(v.joined_at)))
        if v.badges:
            details.append(", ".join(badge_title(b) for b in v.badges))
        return f"{name}\n{' — '.join(details)}"

    # -- top contributors ------------------------------------------------------------------------
    def _top_toggled(self, on: bool) -> None:
        gid = self._group.id
        self._ctx.worker.run(
            lambda: self._ctx.services.member_profiles.set_top_contributors(gid, on), owner=self)
        self.top_list.setVisible(on)
        if on:
            self._load_top()

    def _load_top(self) -> None:
        gid = self._group.id
        self._ctx.worker.run(lambda: self._ctx.services.member_profiles.top_contributors(gid),
                             self._show_top, lambda e: self.show_error(str(e)), owner=self)

    def _show_top(self, rows: list[Contributor]) -> None:
        self.top_list.clear()
        for n, c in enumerate(rows, start=1):
            self.top_list.addItem(QCoreApplication.translate("MemberDirectory", "{rank}. {name} — {posts} posts, {reactions} reactions")
                                  .format(rank=n, name=c.name, posts=timefmt.number(c.posts),
                                          reactions=timefmt.number(c.reactions)))
        if not rows:
            self.top_list.addItem(QCoreApplication.translate("MemberDirectory", "Nobody has posted this month yet."))

    # -- actions -------------------------------------------------------------------------------
    def _open_card(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        fp = item.data(Qt.ItemDataRole.UserRole)
        view = next((v for v in self._views if v.fingerprint == fp), None)
        if view is not None:
            ProfileCardDialog(self._ctx, self._group, view, self).open()

    def _edit_mine(self) -> None:
        mine = next((v for v in self._views if v.is_me), None)
        dialog = EditProfileDialog(self._ctx, self._group, mine, self)
        dialog.accepted.connect(self.refresh)
        dialog.open()


class ProfileCardDialog(ServiceDialog):
    """One member's card in one group; admins grant and revoke titles here."""

    def __init__(self, ctx: AppContext, group: GroupSummary, view: ProfileView,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx.worker, QCoreApplication.translate("MemberDirectory", "Profile of {name}").format(name=view.name), parent)
        self._ctx = ctx
        self._group = group
        self.view = view
        self.setMinimumWidth(440)
        self.avatar = QLabel()
        self.avatar.setFixedSize(CARD_AVATAR, CARD_AVATAR)
        self.avatar.setAccessibleName(QCoreApplication.translate("MemberDirectory", "Avatar"))
        self.name_label = QLabel()
        font = self.name_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.name_label.setFont(font)
        self.name_label.setWordWrap(True)
        self.sub_label = QLabel()
        self.sub_label.setWordWrap(True)
        self.sub_label.setObjectName("hint")
        self.bio_label = QLabel()
        self.bio_label.setWordWrap(True)
        self.bio_label.setTextFormat(Qt.TextFormat.PlainText)
        self.bio_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.facts.setTextFormat(Qt.TextFormat.PlainText)
        self.badges_label = QLabel()
        self.badges_label.setWordWrap(True)
        self.badges_label.setTextFormat(Qt.TextFormat.PlainText)
        self.fingerprint = QLabel()
        self.fingerprint.setObjectName("hint")
        self.fingerprint.setWordWrap(True)
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        head = QHBoxLayout()
        head.addWidget(self.avatar, 0, Qt.AlignmentFlag.AlignTop)
        names = QVBoxLayout()
        names.addWidget(self.name_label)
        names.addWidget(self.sub_label)
        names.addStretch(1)
        head.addLayout(names, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addLayout(head)
        layout.addWidget(self.bio_label)
        layout.addWidget(self.facts)
        layout.addWidget(self.badges_label)
        layout.addWidget(self.fingerprint)
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(QCoreApplication.translate("MemberDirectory", "A title, such as Mentor"))
        self.title_edit.setAccessibleName(QCoreApplication.translate("MemberDirectory", "Badge title"))
        self.title_edit.setMaxLength(40)
        self.grant_button = QPushButton(QCoreApplication.translate("MemberDirectory", "Grant"))
        self.grant_button.clicked.connect(lambda: self._badge(True))
        self.revoke_button = QPushButton(QCoreApplication.translate("MemberDirectory", "Revoke"))
        self.revoke_button.clicked.connect(lambda: self._badge(False))
        self._busy_buttons += [self.grant_button, self.revoke_button]
        admin_row = QHBoxLayout()
        admin_row.addWidget(self.title_edit, 1)
        admin_row.addWidget(self.grant_button)
        admin_row.addWidget(self.revoke_button)
        self.admin_box = QWidget()
        self.admin_box.setLayout(admin_row)
        admin_row.setContentsMargins(0, 0, 0, 0)
        self.admin_box.setVisible(may(group, MANAGE_ROLES))
        layout.addWidget(self.admin_box)
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._fill(view)

    def _fill(self, v: ProfileView) -> None:
        self.view = v
        self.avatar.setPixmap(avatar_pixmap(v, CARD_AVATAR, self.devicePixelRatioF()))
        self.name_label.setText(v.name + (f" ({v.pronouns})" if v.pronouns else ""))
        sub = [role_title(v.role)]
        if v.name != v.member_name:
            sub.append(QCoreApplication.translate("MemberDirectory", "listed as {name}").format(name=v.member_name))
        self.sub_label.setText(" — ".join(sub))
        self.bio_label.setText(v.bio)
        self.bio_label.setVisible(bool(v.bio))
        facts = []
        if v.local_time:
            facts.append(QCoreApplication.translate("MemberDirectory", "Local time: {time} ({zone}, UTC{offset})").format(
                time=v.local_time, zone=v.timezone, offset=v.utc_offset))
        if v.joined_at:
            facts.append(QCoreApplication.translate("MemberDirectory", "Joined {date}").format(date=timefmt.full(v.joined_at)))
        self.facts.setText("\n".join(facts))
        self.facts.setVisible(bool(facts))
        self.badges_label.setText(
            QCoreApplication.translate("MemberDirectory", "Badges: {titles}").format(titles=", ".join(
                f"{BADGE_MARK} {badge_title(b)}" for b in v.badges)) if v.badges
            else QCoreApplication.translate("MemberDirectory", "No badges yet."))
        self.fingerprint.setText(QCoreApplication.translate("MemberDirectory", "Fingerprint: {fp}").format(fp=v.fingerprint))

    def _badge(self, on: bool) -> None:
        title = self.title_edit.text()
        gid, fp = self._group.id, self.view.fingerprint.replace(" ", "")
        svc = self._ctx.services.member_profiles

        def work() -> ProfileView:
            (svc.grant_badge if on else svc.revoke_badge)(gid, fp, title)
            return svc.show(gid, fp)

        self.call(work, self._done)

    def _done(self, view: ProfileView) -> None:
        self.title_edit.clear()
        self._fill(view)


class EditProfileDialog(ServiceDialog):
    """My name, pronouns, bio, avatar and time zone in one group."""

    def __init__(self, ctx: AppContext, group: GroupSummary, mine: ProfileView | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx.worker, QCoreApplication.translate("MemberDirectory", "My profile in {name}").format(name=group.name),
                         parent)
        self._ctx = ctx
        self._group = group
        self._avatar_path: str | None = None
        self._clear_avatar = False
        self.setMinimumWidth(480)
        intro = QLabel(QCoreApplication.translate("MemberDirectory", "Only the members of this group see this profile; each group can "
                           "know you differently."))
        intro.setWordWrap(True)
        self.name_edit = QLineEdit(mine.name if mine and mine.name != mine.member_name else "")
        self.name_edit.setPlaceholderText(mine.member_name if mine else "")
        self.name_edit.setAccessibleName(QCoreApplication.translate("MemberDirectory", "Name in this group"))
        self.pronouns_edit = QLineEdit(mine.pronouns if mine else "")
        self.pronouns_edit.setPlaceholderText(QCoreApplication.translate("MemberDirectory", "e.g. she/her"))
        self.pronouns_edit.setAccessibleName(QCoreApplication.translate("MemberDirectory", "Pronouns"))
        self.bio_edit = QPlainTextEdit(mine.bio if mine else "")
        self.bio_edit.setAccessibleName(QCoreApplication.translate("MemberDirectory", "Bio"))
        self.bio_edit.setFixedHeight(90)
        self.zone = QComboBox()
        self.zone.setEditable(True)
        self.zone.setAccessibleName(QCoreApplication.translate("MemberDirectory", "Time zone"))
        self.zone.addItem(QCoreApplication.translate("MemberDirectory", "Not shown"), "")
        from zoneinfo import available_timezones

        for name in sorted(available_timezones()):
            if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/")):
                self.zone.addItem(name, name)
        current = mine.timezone if mine else ""
        self.zone.setCurrentIndex(max(0, self.zone.findData(current)))
        self.avatar = QLabel()
        self.avatar.setFixedSize(64, 64)
        self.avatar.setAccessibleName(QCoreApplication.translate("MemberDirectory", "Avatar"))
        if mine is not None:
            self.avatar.setPixmap(avatar_pixmap(mine, 64, self.devicePixelRatioF()))
        choose = QPushButton(QCoreApplication.translate("MemberDirectory", "Choose picture…"))
        choose.clicked.connect(self._choose)
        self.remove_button = QPushButton(QCoreApplication.translate("MemberDirectory", "Remove"))
        self.remove_button.clicked.connect(self._remove)
        self.remove_button.setEnabled(bool(mine and mine.avatar))
        self.picture_note = QLabel(QCoreApplication.translate("MemberDirectory", "Made 128 × 128 pixels and sent without its metadata."))
        self.picture_note.setObjectName("hint")
        self.picture_note.setWordWrap(True)
        pic = QHBoxLayout()
        pic.addWidget(self.avatar)
        col = QVBoxLayout()
        row = QHBoxLayout()
        row.addWidget(choose)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        col.addLayout(row)
        col.addWidget(self.picture_note)
        pic.addLayout(col, 1)
        form = QFormLayout()
        form.addRow(QCoreApplication.translate("MemberDirectory", "Name"), self.name_edit)
        form.addRow(QCoreApplication.translate("MemberDirectory", "Pronouns"), self.pronouns_edit)
        form.addRow(QCoreApplication.translate("MemberDirectory", "Bio"), self.bio_edit)
        form.addRow(QCoreApplication.translate("MemberDirectory", "Time zone"), self.zone)
        form.addRow(QCoreApplication.translate("MemberDirectory", "Avatar"), pic)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self._busy_buttons.append(self.save_button)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def _choose(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, QCoreApplication.translate("MemberDirectory", "Choose a picture"), "",
            QCoreApplication.translate("MemberDirectory", "Pictures (*.png *.jpg *.jpeg *.gif *.webp *.bmp)"))
        if path:
            self.set_picture(path)

    def set_picture(self, path: str) -> None:
        self._avatar_path, self._clear_avatar = path, False
        try:
            image = scaled_image(path, 64)
            self.avatar.setPixmap(QPixmap.fromImage(image))
        except ImageRefused as exc:
            self._avatar_path = None
            self.show_error(str(exc))
            return
        self.remove_button.setEnabled(True)

    def _remove(self) -> None:
        self._avatar_path, self._clear_avatar = None, True
        self.avatar.setPixmap(QPixmap.fromImage(QImage()))
        self.remove_button.setEnabled(False)

    def save(self) -> None:
        gid = self._group.id
        name, pronouns = self.name_edit.text(), self.pronouns_edit.text()
        bio = self.bio_edit.toPlainText()
        zone = self.zone.currentData() if self.zone.currentText() == self.zone.itemText(
            self.zone.currentIndex()) else self.zone.currentText().strip()
        path, clear = self._avatar_path, self._clear_avatar
        svc = self._ctx.services.member_profiles
        self.call(lambda: svc.update(gid, name=name, pronouns=pronouns, bio=bio, avatar=path,
                                     clear_avatar=clear, timezone=zone or ""),
                  lambda _v: self.accept(), slow=path is not None)


def open_edit_profile(ctx: AppContext, group: GroupSummary, parent: QWidget) -> None:
    """Load my card in `group`, then open the dialog that edits it."""
    def show(mine: ProfileView) -> None:
        EditProfileDialog(ctx, group, mine, parent).open()

    ctx.worker.run(lambda: ctx.services.member_profiles.mine(group.id), show, owner=parent)
