"""Founders, admins and members, joining, settings and accessibility, driven through the real
window over the real services, relay and stores (tests/ui/real_services.py)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QMessageBox,
    QWidget,
)

from tests.ui.conftest import settle
from tests.ui.flows import (
    answer_open_question,
    open_boxes,
    open_dialog,
    open_group,
    plain,
    unnamed,
)
from tests.ui.real_services import WAIT, App
from ui.dialogs.create_group import CreateGroupDialog
from ui.dialogs.invite import InviteDialog
from ui.dialogs.join import JoinDialog
from ui.dialogs.members import MembersDialog, SafetyNumberDialog, removal_warning
from ui.dialogs.moderation_log import ModerationLogDialog
from ui.dialogs.requests import JoinRequestsDialog
from ui.dialogs.settings import SettingsDialog
from ui.main_window import MainWindow
from ui.theme import DARK

pytestmark = pytest.mark.timeout(120)

STRONG = "purple tractor sings loudly"
RECOVERY_CODE = re.compile(r"^[0-9A-Z]{4}(-[0-9A-Z]{4}){7}$")


# -- founders and admins -----------------------------------------------------------------------

def test_create_group_offers_the_default_relay(qtbot, ana: App) -> None:
    qtbot.keyClick(ana.window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = open_dialog(ana.window, CreateGroupDialog)
    assert dialog.relay_edit.text() == ana.world.relay_url
    assert not dialog.create_button.isEnabled()
    qtbot.keyClicks(dialog.name_edit, "Choir")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ana.window.pane.group is not None
                    and ana.window.pane.group.name == "Choir", timeout=WAIT)
    assert not dialog.isVisible()
    choir = ana.services.groups.get("Choir")
    assert choir.my_role == "admin" and choir.relay == ana.world.relay_url


def test_invite_link_qr_and_revoke(qtbot, ana: App) -> None:
    club = ana.world.groups["Book club"]
    before = {i.id for i in ana.services.invites.list(club)}
    qtbot.mouseClick(ana.window.pane.header.invite_button, Qt.MouseButton.LeftButton)
    dialog = open_dialog(ana.window, InviteDialog)
    settle(qtbot, ana.worker)
    dialog.uses_spin.setValue(5)
    dialog.expiry_combo.setCurrentIndex(0)
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.link_edit.text().startswith("coterie://join#"), timeout=WAIT)
    invite = next(i for i in ana.services.invites.list(club) if i.id not in before)
    assert invite.uses_total == 5 and invite.expires_at - invite.created_at == 3600
    assert dialog.link_edit.text() == invite.link
    assert dialog.qr_label.pixmap() is not None and not dialog.qr_label.pixmap().isNull()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text() == invite.link
    settle(qtbot, ana.worker)
    row = next(r for r in range(dialog.model.rowCount()) if dialog.model.item_at(r).id == invite.id)
    dialog.list.setCurrentIndex(dialog.model.index(row, 0))
    qtbot.mouseClick(dialog.revoke_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.link_edit.text() == "", timeout=WAIT)
    assert any(i.id == invite.id and i.status == "revoked" for i in dialog.model.items())
    assert next(i for i in ana.services.invites.list(club) if i.id == invite.id).revoked


def test_join_requests_are_approved_with_name_and_fingerprint(qtbot, ana: App) -> None:
    club = ana.world.groups["Book club"]
    eve = ana.world.services("Eve")
    qtbot.waitUntil(ana.window.pane.header.requests_button.isVisible, timeout=WAIT)
    assert ana.window.pane.header.requests_button.text() == "Requests (1)"
    qtbot.mouseClick(ana.window.pane.header.requests_button, Qt.MouseButton.LeftButton)
    dialog = open_dialog(ana.window, JoinRequestsDialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=WAIT)
    shown = dialog.model.index(0, 0).data()
    assert plain(shown).startswith("Eve · ")
    assert eve.profile.me().fingerprint.split()[0] in shown
    qtbot.mouseClick(dialog.approve_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 0, timeout=WAIT)
    assert dialog.empty_label.isVisible()
    assert any(m.name == "Eve" for m in ana.services.groups.members(club))
    assert ana.services.invites.requests(club) == []
    qtbot.waitUntil(lambda: not ana.window.pane.header.requests_button.isVisible(), timeout=WAIT)
    ana.services.sync_once()  # the Welcome goes out; Eve's app takes it in
    assert club in eve.sync_once().joined


def test_members_promote_and_remove_with_an_explanation(qtbot, ana: App, monkeypatch) -> None:
    club = ana.world.groups["Book club"]
    qtbot.mouseClick(ana.window.pane.header.members_button, Qt.MouseButton.LeftButton)
    dialog = open_dialog(ana.window, MembersDialog)
    qtbot.waitUntil(lambda: dialog.current() is not None, timeout=WAIT)
    member = dialog.current()
    assert member.name == "Bea" and not member.is_me
    assert any(ch.isdigit() for ch in dialog.number_label.text())
    assert dialog.promote_button.isVisible() and dialog.remove_button.isVisible()
    asked: list[str] = []

    qtbot.mouseClick(dialog.promote_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(open_boxes()), timeout=WAIT)
    answer_open_question(qtbot, asked, "Make admin")
    assert asked and plain(asked[0]).startswith("Make Bea an admin?")
    qtbot.waitUntil(lambda: dialog.current() is not None and dialog.current().role == "admin"
                    and dialog.remove_button.isEnabled(), timeout=WAIT)
    assert any(m.name == "Bea" and m.role == "admin" for m in ana.services.groups.members(club))
    shown: list[str] = []
    monkeypatch.setattr(dialog, "confirm_removal",
                        lambda m: shown.append(removal_warning(m, ana.window.pane.group)) or True)
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: all(m.name != "Bea" for m in dialog.model.items()), timeout=WAIT)
    assert "will not be able to read anything posted from now on" in shown[0]
    assert [m.name for m in ana.services.groups.members(club)] == ["Ana"]


def test_declining_removal_removes_no_one(qtbot, ana: App, monkeypatch) -> None:
    club = ana.world.groups["Book club"]
    qtbot.mouseClick(ana.window.pane.header.members_button, Qt.MouseButton.LeftButton)
    dialog = open_dialog(ana.window, MembersDialog)
    qtbot.waitUntil(lambda: dialog.current() is not None, timeout=WAIT)
    monkeypatch.setattr(dialog, "confirm_removal", lambda m: False)
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ana.worker)
    assert sorted(m.name for m in ana.services.groups.members(club)) == ["Ana", "Bea"]
    assert sorted(m.name for m in dialog.model.items()) == ["Ana", "Bea"]


def test_members_see_safety_numbers_but_no_admin_buttons(qtbot, ana: App) -> None:
    open_group(qtbot, ana, ana.world.groups["Climbing Tuesdays"])
    qtbot.mouseClick(ana.window.pane.header.members_button, Qt.MouseButton.LeftButton)
    dialog = open_dialog(ana.window, MembersDialog)
    qtbot.waitUntil(lambda: dialog.current() is not None, timeout=WAIT)
    assert dialog.compare_button.isVisible()
    assert not dialog.promote_button.isVisible() and not dialog.remove_button.isVisible()
    qtbot.mouseClick(dialog.compare_button, Qt.MouseButton.LeftButton)
    safety = open_dialog(dialog, SafetyNumberDialog)
    number = safety.findChild(QWidget, "safetyNumber").text()
    bea = next(m for m in ana.services.groups.members(ana.world.groups["Climbing Tuesdays"])
               if m.name == "Bea")
    assert number.split() == bea.safety_number.split()


# -- joining -----------------------------------------------------------------------------------

def test_join_by_pasting_a_link_waits_for_an_admin(qtbot, ana: App) -> None:
    ana.go_live(qtbot)
    bea = ana.world.services("Bea")
    choir = bea.groups.create("Choir", ana.world.relay_url).id
    link = bea.invites.create(choir, uses=2).link  # two uses: an admin approves each
    bea.sync_once()
    qtbot.keyClick(ana.window, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    dialog = open_dialog(ana.window, JoinDialog)
    dialog.link_edit.setText(link)
    qtbot.waitUntil(dialog.join_button.isEnabled, timeout=WAIT)  # the link was read
    assert "127.0.0.1" in dialog.relay_label.text()  # where it goes, before going there
    qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Waiting for an admin" in dialog.status_label.text(), timeout=WAIT)
    assert not dialog.join_button.isEnabled()
    qtbot.waitUntil(lambda: "Joining “Choir”" in ana.window.sidebar.joins_label.text(),
                    timeout=WAIT)
    assert [j.status for j in ana.services.invites.joins() if j.group_name == "Choir"] == \
        ["waiting"]

    def bea_sees_the_request() -> bool:
        bea.sync_once()
        return bool(bea.invites.requests(choir))

    qtbot.waitUntil(bea_sees_the_request, timeout=WAIT)
    bea.invites.approve(choir, bea.invites.requests(choir)[0].id)
    bea.sync_once()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    qtbot.waitUntil(lambda: ana.window.pane.group is not None
                    and ana.window.pane.group.id == choir, timeout=WAIT)
    qtbot.waitUntil(lambda: not ana.window.sidebar.joins_label.isVisible(), timeout=WAIT)
    assert ana.services.groups.get(choir).my_role == "member"


def test_a_bad_link_is_explained(qtbot, ana: App) -> None:
    before = ana.services.invites.joins()
    ana.window.join_group("coterie://join#garbage")
    dialog = open_dialog(ana.window, JoinDialog)
    qtbot.waitUntil(lambda: "link" in dialog.relay_label.text().lower(), timeout=WAIT)
    assert not dialog.join_button.isEnabled()  # nothing to contact
    settle(qtbot, ana.worker)
    assert ana.services.invites.joins() == before
    dialog.link_edit.setText("https://example.org")
    qtbot.waitUntil(lambda: dialog.relay_label.text() != "", timeout=WAIT)
    assert not dialog.join_button.isEnabled()


def test_leaving_a_group_asks_and_forgets_it(qtbot, ana: App, monkeypatch) -> None:
    family = ana.world.groups["Family"]
    asked: list[str] = []

    def answer(_parent, _title, text, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    ana.window.leave_group(family)
    if not asked:  # a non-blocking confirmation that names its action
        qtbot.waitUntil(lambda: bool(open_boxes()), timeout=WAIT)
        answer_open_question(qtbot, asked, "Leave")
    assert "forgets its posts" in asked[0]
    qtbot.waitUntil(lambda: all(g.name != "Family" for g in ana.window.sidebar.model.items()),
                    timeout=WAIT)
    assert all(g.id != family for g in ana.services.groups.list())


# -- settings ----------------------------------------------------------------------------------

def test_settings_change_name_relay_and_theme(qtbot, ana: App) -> None:
    qtbot.keyClick(ana.window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    dialog = open_dialog(ana.window, SettingsDialog)
    qtbot.waitUntil(lambda: dialog.name_edit.text() == "Ana", timeout=WAIT)
    dialog.name_edit.setText("Ana B.")
    dialog.relay_edit.setText("https://relay.example.org")
    dialog.theme_combo.setCurrentIndex(dialog.theme_combo.findData("dark"))
    assert ana.ctx.theme.theme is DARK  # previewed at once
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ana.window.sidebar.me_label.text() == "Ana B.", timeout=WAIT)
    stored = ana.services.settings.get()
    assert stored.theme == "dark" and stored.display_name == "Ana B."
    assert stored.default_relay == "https://relay.example.org"
    assert ana.services.profile.me().name == "Ana B."


def test_settings_change_the_file_limits(qtbot, ana: App) -> None:
    ana.window.open_settings()
    dialog = open_dialog(ana.window, SettingsDialog)
    qtbot.waitUntil(dialog.files_box.isEnabled, timeout=WAIT)
    assert (dialog.cache_spin.value(), dialog.auto_spin.value()) == (1024, 10)
    assert dialog.cache_spin.minimum() == 1 and dialog.auto_spin.minimum() == 0
    dialog.cache_spin.setValue(300)
    dialog.auto_spin.setValue(0)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    settle(qtbot, ana.worker)
    assert ana.services.files.cache_limit_mb() == 300
    assert ana.services.files.auto_download_mb() == 0
    ana.window.open_settings()
    again = open_dialog(ana.window, SettingsDialog)
    qtbot.waitUntil(again.files_box.isEnabled, timeout=WAIT)
    assert (again.cache_spin.value(), again.auto_spin.value()) == (300, 0)
    again.reject()


def test_settings_change_the_key_protection_to_a_passphrase(qtbot, ana: App) -> None:
    # (into the keyring, and a new recovery code: tests/ui/test_real_unlock.py)
    assert ana.services.profile.me().protection == "keyring"
    in_keyring = len(ana.world.keyring.entries)
    ana.window.open_settings()
    dialog = open_dialog(ana.window, SettingsDialog)
    settle(qtbot, ana.worker)
    qtbot.mouseClick(dialog.change_button, Qt.MouseButton.LeftButton)
    assert dialog.passphrase.isVisible()
    dialog.passphrase.first.setText(STRONG)
    dialog.passphrase.confirm.setText(STRONG)
    qtbot.mouseClick(dialog.change_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.passphrase.isVisible(), timeout=WAIT)
    settle(qtbot, ana.worker)
    assert ana.services.profile.me().protection == "passphrase"
    info = ana.services.profile.unlock_info()
    assert info.passphrase and not info.keyring
    assert len(ana.world.keyring.entries) == in_keyring - 1  # Ana's key left the keyring


def test_cancelling_settings_restores_the_theme(qtbot, ana: App) -> None:
    ana.window.open_settings()
    dialog = open_dialog(ana.window, SettingsDialog)
    before = ana.ctx.theme.theme
    dialog.theme_combo.setCurrentIndex(dialog.theme_combo.findData("dark"))
    dialog.reject()
    assert ana.ctx.theme.theme is before
    settle(qtbot, ana.worker)
    assert ana.services.settings.get().theme != "dark"


# -- accessibility -----------------------------------------------------------------------------


def test_every_control_has_an_accessible_name(qtbot, ana: App) -> None:
    window = ana.window
    assert unnamed(window) == []
    qtbot.waitUntil(window.pane.header.requests_button.isVisible, timeout=WAIT)
    window.pane.header.invite_button.click()
    window.pane.header.members_button.click()
    window.pane.header.requests_button.click()
    window.search(None)
    window.open_settings()
    window.join_group("")
    window.new_group()
    settle(qtbot, ana.worker)
    from ui.dialogs.base import ServiceDialog

    dialogs = [d for d in window.findChildren(ServiceDialog) if d.isVisible()]
    assert len(dialogs) == 7
    for d in dialogs:
        assert unnamed(d) == [], type(d).__name__


# -- the window itself -------------------------------------------------------------------------

def test_the_window_remembers_its_size_and_sidebar(qtbot, ana: App, tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings

    state = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    first = MainWindow(ana.ctx, window_state=state)
    qtbot.addWidget(first)
    first.resize(700, 500)
    first.show()
    first.splitter.setSizes([320, 380])
    sizes = first.splitter.sizes()
    first.close()
    again = MainWindow(ana.ctx, window_state=QSettings(str(tmp_path / "window.ini"),
                                                       QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    again.show()
    assert abs(again.size().width() - 700) <= 4 and abs(again.size().height() - 500) <= 4
    assert abs(again.splitter.sizes()[0] - sizes[0]) <= 4
    again.close()


def test_f1_lists_the_shortcuts(qtbot, ana: App) -> None:
    from ui.dialogs.shortcuts import SHORTCUTS, ShortcutsDialog

    qtbot.keyClick(ana.window, Qt.Key.Key_F1)
    dialog = open_dialog(ana.window, ShortcutsDialog)
    labels = {label.text() for label in dialog.findChildren(QWidget) if hasattr(label, "text")}
    assert all(keys in labels for keys, _what in SHORTCUTS)
    assert unnamed(dialog) == []


def test_admins_rename_the_group(qtbot, ana: App) -> None:
    club = ana.world.groups["Book club"]
    assert ana.window.pane.header.rename_action.isVisible()
    dialog = ana.window.pane.header.rename_group()
    dialog.setTextValue("Book club (2027)")
    dialog.accept()
    qtbot.waitUntil(lambda: ana.window.pane.header.title.text() == "Book club (2027)", timeout=WAIT)
    assert ana.services.groups.get(club).name == "Book club (2027)"
    ana.services.sync_once()
    bea = ana.world.services("Bea")
    bea.sync_once()
    assert bea.groups.get(club).name == "Book club (2027)"  # the rename reached the group
    open_group(qtbot, ana, ana.world.groups["Climbing Tuesdays"])
    assert not ana.window.pane.header.rename_action.isVisible()  # a member there, not an admin


def test_a_link_in_a_post_opens_only_after_a_named_confirmation(qtbot, ana: App,
                                                               monkeypatch) -> None:
    from PySide6.QtGui import QDesktopServices
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    errors: list[str] = []
    ana.window.pane.error.connect(errors.append)
    ana.window.pane.delegate.link_clicked.emit("javascript:alert(1)")
    assert errors == ["Only web and mail links open from posts."] and not open_boxes()
    asked: list[str] = []
    ana.window.pane.delegate.link_clicked.emit("https://example.org/cafe")
    qtbot.waitUntil(lambda: bool(open_boxes()), timeout=WAIT)
    answer_open_question(qtbot, asked, "Cancel")
    assert "https://example.org/cafe" in asked[0] and opened == []
    ana.window.pane.delegate.link_clicked.emit("https://example.org/cafe")
    qtbot.waitUntil(lambda: bool(open_boxes()), timeout=WAIT)
    answer_open_question(qtbot, asked, "Open link")
    assert opened == ["https://example.org/cafe"]


def test_an_admin_changes_a_members_role_in_the_members_dialog(qtbot, ana: App) -> None:
    club = ana.world.groups["Book club"]
    qtbot.mouseClick(ana.window.pane.header.members_button, Qt.MouseButton.LeftButton)
    dialog = open_dialog(ana.window, MembersDialog)
    qtbot.waitUntil(lambda: dialog.current() is not None, timeout=WAIT)
    assert dialog.current().name == "Bea" and dialog.role_box.isVisible()
    roles = [dialog.role_box.itemData(i) for i in range(dialog.role_box.count())]
    assert roles == ["owner", "admin", "moderator", "member", "observer"]  # Ana owns it
    assert not dialog.role_button.isEnabled()          # Bea is a member already
    dialog.role_box.setCurrentIndex(roles.index("moderator"))
    assert dialog.role_button.isEnabled()
    asked: list[str] = []
    qtbot.mouseClick(dialog.role_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(open_boxes()), timeout=WAIT)
    answer_open_question(qtbot, asked, "Make moderator")
    assert asked and plain(asked[0]).startswith("Make Bea moderator?")
    qtbot.waitUntil(lambda: dialog.current() is not None
                    and dialog.current().role == "moderator", timeout=WAIT)
    assert "Moderator" in dialog.role_label.text()
    assert {m.name: m.role for m in ana.services.groups.members(club)}["Bea"] == "moderator"
    me = next(r for r in range(dialog.model.rowCount()) if dialog.model.item_at(r).is_me)
    dialog.list.setCurrentIndex(dialog.model.index(me, 0))
    assert not dialog.role_box.isVisible() and not dialog.role_button.isVisible()


def test_the_moderation_log_opens_from_the_group_menu_and_follows_new_actions(
        qtbot, ana: App) -> None:
    club = ana.world.groups["Book club"]
    ana.services.moderation.channel_rule(club, "General", locked=True)
    ana.window.pane.header.moderation_log_requested.emit(club)
    dialog = open_dialog(ana.window, ModerationLogDialog)
    qtbot.waitUntil(lambda: dialog.list.count() == 1, timeout=WAIT)
    assert "You locked General" in dialog.list.item(0).text()
    assert not dialog.empty_label.isVisible()
    ana.services.moderation.channel_rule(club, "General", locked=False)
    qtbot.waitUntil(lambda: dialog.list.count() == 2, timeout=WAIT)
    assert "You unlocked General" in dialog.list.item(0).text()   # newest first


def test_an_observer_reads_and_reacts_but_the_composer_takes_no_post(
        qtbot, ana: App, world) -> None:  # noqa: ANN001
    climbing = ana.world.groups["Climbing Tuesdays"]
    bea = world.services("Bea")
    bea.governance.set_role(climbing, ana.services.profile.me().fingerprint, "observer")
    bea.sync_once()
    ana.services.sync_once()
    open_group(qtbot, ana, climbing)
    qtbot.waitUntil(lambda: ana.window.pane.group is not None
                    and ana.window.pane.group.my_role == "observer", timeout=WAIT)
    composer = ana.window.pane.composer
    assert composer.edit.isReadOnly()
    assert "observer" in composer.edit.placeholderText()
