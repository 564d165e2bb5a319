"""Every flow of the desktop app driven through its widgets, against the facade fake."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)

from app.views import ChangeKind, ConnectionState, ConnectionStatus, ProfileState
from tests.ui.conftest import settle
from tests.ui.fakes import RECOVERY, FakeServices
from ui.dialogs.first_run import FirstRunDialog
from ui.dialogs.invite import InviteDialog
from ui.dialogs.join import JoinDialog
from ui.dialogs.members import MembersDialog, removal_warning
from ui.dialogs.requests import JoinRequestsDialog
from ui.dialogs.search import SearchDialog
from ui.dialogs.settings import SettingsDialog
from ui.dialogs.unlock import UnlockDialog
from ui.gui import Startup
from ui.main_window import MainWindow
from ui.theme import DARK, ThemeController

STRONG = "purple tractor sings loudly"


@pytest.fixture
def window(qtbot, ctx, demo, worker) -> MainWindow:
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    win.start()
    settle(qtbot, worker)
    return win


def _open_group(qtbot, win: MainWindow, worker, gid: str) -> None:
    win.sidebar.select(gid)
    settle(qtbot, worker)


def _dialog(win: QWidget, cls: type) -> QWidget:
    found = [d for d in win.findChildren(cls) if d.isVisible()]
    assert found, f"no open {cls.__name__}"
    return found[-1]


def _yes(monkeypatch) -> list[str]:
    asked: list[str] = []

    def answer(_parent, _title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    return asked


# -- first run and unlock ----------------------------------------------------------------------

def test_first_run_with_a_passphrase_shows_the_recovery_code_once(qtbot, worker) -> None:
    fake = FakeServices(state=ProfileState.NEW, keyring=False)
    dialog = FirstRunDialog(fake, worker, keyring=False)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.next_button.isEnabled()
    qtbot.keyClicks(dialog.name_edit, "Ana")
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert dialog.pages.currentIndex() == 1
    assert not dialog.keyring_radio.isVisible()  # no real keyring: passphrase only
    qtbot.keyClicks(dialog.passphrase.first, "short")
    assert not dialog.next_button.isEnabled()
    assert dialog.passphrase.hint.text().startswith("Too short")
    dialog.passphrase.first.setText(STRONG)
    qtbot.keyClicks(dialog.passphrase.confirm, STRONG)
    assert dialog.next_button.isEnabled()
    assert dialog.passphrase.meter.value() >= 3
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 2)
    assert dialog.code_label.text() == RECOVERY
    assert not dialog.next_button.isEnabled()
    dialog.reject()  # closing before confirming is refused: the code would be lost
    assert dialog.isVisible()
    dialog.saved_box.setChecked(True)
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.code_label.text() == ""
    assert fake.profile_state() is ProfileState.UNLOCKED and fake.name == "Ana"
    assert fake._passphrase == STRONG


def test_first_run_with_a_real_keyring_needs_no_passphrase(qtbot, worker) -> None:
    fake = FakeServices(state=ProfileState.NEW, keyring=True)
    dialog = FirstRunDialog(fake, worker, keyring=True)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.name_edit, "Bea")
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert dialog.keyring_radio.isChecked() and not dialog.passphrase.isVisible()
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 2)
    assert fake._passphrase is None and fake.name == "Bea"


def test_unlock_says_when_the_passphrase_is_wrong(qtbot, worker) -> None:
    fake = FakeServices(state=ProfileState.LOCKED, passphrase=STRONG)
    dialog = UnlockDialog(fake, worker, fake.unlock_info(), False)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.passphrase_edit, "nope")
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "not right" in dialog.error_label.text())
    assert dialog.isVisible()
    dialog.passphrase_edit.setText(STRONG)
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert fake.profile_state() is ProfileState.UNLOCKED


def test_unlock_with_the_recovery_code_sets_a_new_passphrase(qtbot, worker) -> None:
    fake = FakeServices(state=ProfileState.LOCKED, passphrase=STRONG)
    dialog = UnlockDialog(fake, worker, fake.unlock_info(), False)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.switch_button, Qt.MouseButton.LeftButton)
    assert dialog.pages.currentIndex() == 1
    qtbot.keyClicks(dialog.code_edit, RECOVERY.lower())
    assert not dialog.unlock_button.isEnabled()  # a new passphrase is still needed
    dialog.new_pass.first.setText("new and much longer phrase")
    dialog.new_pass.confirm.setText("new and much longer phrase")
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert fake._passphrase == "new and much longer phrase"


def test_a_keyring_profile_opens_without_any_dialog(qtbot, qapp, worker) -> None:
    fake = FakeServices(state=ProfileState.LOCKED, keyring=True, passphrase=None)
    startup = Startup(fake, worker, ThemeController(qapp, "light"))  # type: ignore[arg-type]
    with qtbot.waitSignal(startup.ready, timeout=5000) as got:
        startup.begin()
    window = got.args[0]
    qtbot.addWidget(window)
    assert startup.dialog is None
    assert fake.started
    window.close()


def test_a_new_profile_starts_with_the_first_run_dialog(qtbot, qapp, worker) -> None:
    fake = FakeServices(state=ProfileState.NEW)
    startup = Startup(fake, worker, ThemeController(qapp, "light"),  # type: ignore[arg-type]
                      join_link="coterie://join#1.r.s.f")
    startup.begin()
    qtbot.waitUntil(lambda: isinstance(startup.dialog, FirstRunDialog))
    dialog = startup.dialog
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("Ana")
    dialog._next()
    dialog.passphrase.first.setText(STRONG)
    dialog.passphrase.confirm.setText(STRONG)
    dialog._next()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 2)
    dialog.saved_box.setChecked(True)
    with qtbot.waitSignal(startup.ready, timeout=5000) as got:
        dialog._next()
    window = got.args[0]
    qtbot.addWidget(window)
    join = _dialog(window, JoinDialog)  # the link from the launcher goes to the join flow
    assert join.link_edit.text() == "coterie://join#1.r.s.f"
    window.close()


# -- the main window ---------------------------------------------------------------------------

def test_groups_are_listed_by_activity_and_the_first_opens(window, fake) -> None:
    names = [g.name for g in window.sidebar.model.items()]
    assert names == [g.name for g in fake.groups.list()]
    assert window.pane.group is not None and window.pane.group.name == names[0]
    assert window.pane.model.rowCount() == len(fake.posts_by_group[window.pane.group.id])


def test_enter_sends_and_shift_enter_adds_a_line(qtbot, window, fake, worker, demo) -> None:
    edit = window.pane.composer.edit
    edit.setFocus()
    qtbot.keyClicks(edit, "first line")
    qtbot.keyClick(edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(edit, "second line")
    assert edit.toPlainText() == "first line\nsecond line"
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    settle(qtbot, worker)
    gid = demo["Book club"]
    assert fake.posts_by_group[gid][-1].text == "first line\nsecond line"
    assert edit.toPlainText() == ""
    model = window.pane.model
    assert model.post_at(model.rowCount() - 1).text == "first line\nsecond line"


def test_up_edits_my_last_post(qtbot, window, fake, worker, demo) -> None:
    edit = window.pane.composer.edit
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_Up)
    composer = window.pane.composer
    assert composer.editing is not None and composer.editing.mine
    assert edit.toPlainText() == composer.editing.text
    edit.setPlainText("Count me in! Same café as before?")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    settle(qtbot, worker)
    post = next(p for p in fake.posts_by_group[demo["Book club"]] if p.id == composer_id(fake, demo))
    assert post.edited and post.text == "Count me in! Same café as before?"


def composer_id(fake: FakeServices, demo: dict[str, str]) -> str:
    return [p for p in fake.posts_by_group[demo["Book club"]] if p.mine][-1].id


def test_escape_leaves_edit_mode(qtbot, window) -> None:
    edit = window.pane.composer.edit
    qtbot.keyClick(edit, Qt.Key.Key_Up)
    assert window.pane.composer.mode_bar.isVisibleTo(window)
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    assert window.pane.composer.editing is None and edit.toPlainText() == ""


def test_r_replies_to_the_selected_post(qtbot, window, fake, worker, demo) -> None:
    view = window.pane.view
    model = window.pane.model
    row = next(r for r in range(model.rowCount()) if model.post_at(r).text.startswith("Shall"))
    view.setCurrentIndex(model.index(row, 0))
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_R)
    assert "Replying to Bea" in window.pane.composer.mode_label.text()
    qtbot.keyClicks(window.pane.composer.edit, "Thursday is good")
    qtbot.keyClick(window.pane.composer.edit, Qt.Key.Key_Return)
    settle(qtbot, worker)
    last = fake.posts_by_group[demo["Book club"]][-1]
    assert last.reply_to is not None and last.reply_to.post_id == model.post_at(row).id


def test_clicking_a_reaction_toggles_mine(qtbot, window, fake, worker, demo) -> None:
    view, model, delegate = window.pane.view, window.pane.model, window.pane.delegate
    row = next(r for r in range(model.rowCount()) if model.post_at(r).reactions)
    index = model.index(row, 0)
    view.scrollTo(index)
    qtbot.wait(20)
    rect = view.visualRect(index)
    from PySide6.QtWidgets import QStyleOptionViewItem

    option = QStyleOptionViewItem()
    option.rect = rect
    option.font = view.font()
    layout = delegate.layout_for(option, index)
    chip, emoji, _count, mine = layout.chips[0]
    assert mine  # the demo has my ❤️ on this post
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=rect.topLeft() + chip.center())
    settle(qtbot, worker)
    post = model.post_at(row)
    assert emoji not in post.my_reactions and "Ana" not in post.reactions.get(emoji, ())


def test_deleting_asks_first_and_leaves_a_tombstone(qtbot, window, fake, worker, demo,
                                                    monkeypatch) -> None:
    asked = _yes(monkeypatch)
    view, model = window.pane.view, window.pane.model
    row = max(r for r in range(model.rowCount()) if model.post_at(r).mine)
    view.setCurrentIndex(model.index(row, 0))
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    settle(qtbot, worker)
    assert "for everyone" in asked[0]
    assert model.post_at(row).deleted


def test_ctrl_k_searches_everything_and_enter_jumps_to_the_post(qtbot, window, worker, demo) -> None:
    _open_group(qtbot, window, worker, demo["Climbing Tuesdays"])
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    dialog = _dialog(window, SearchDialog)
    assert not dialog.scope.isVisible()
    qtbot.keyClicks(dialog.field, "tea")
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    hit = dialog.model.item_at(0)
    assert "\x02tea\x03" in hit.snippet
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
    settle(qtbot, worker)
    assert window.pane.group.id == demo["Book club"]
    current = window.pane.view.currentIndex()
    assert window.pane.model.post_at(current.row()).id == hit.post_id


def test_ctrl_f_searches_the_open_group_only(qtbot, window, worker, demo) -> None:
    _open_group(qtbot, window, worker, demo["Climbing Tuesdays"])
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    dialog = _dialog(window, SearchDialog)
    assert dialog.scope.isChecked()
    qtbot.keyClicks(dialog.field, "tea")
    qtbot.waitUntil(lambda: "No posts match" in dialog.status.text())
    dialog.scope.setChecked(False)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)


def test_new_posts_in_other_groups_notify_unless_muted(qtbot, window, fake, worker, demo) -> None:
    fake.add_post(demo["Climbing Tuesdays"], "Eli", "Route setting tonight!")
    fake.add_post(demo["Family"], "Mum", "Muted group news")
    settle(qtbot, worker)
    qtbot.waitUntil(lambda: len(window.notifier.shown) == 1)
    assert window.notifier.shown == [("Climbing Tuesdays", "Eli: Route setting tonight!")]
    window.notifier.clicked()  # what clicking the tray message does
    settle(qtbot, worker)
    assert window.pane.group.id == demo["Climbing Tuesdays"]


def test_the_mute_button_mutes_the_group(qtbot, window, fake, worker, demo) -> None:
    qtbot.mouseClick(window.pane.mute_button, Qt.MouseButton.LeftButton)
    settle(qtbot, worker)
    assert fake.group(demo["Book club"]).muted
    assert window.pane.mute_button.text() == "Muted"


def test_the_connection_indicator_shows_waiting_posts(qtbot, window, fake, worker) -> None:
    fake.set_connection(ConnectionStatus(ConnectionState.OFFLINE, 3, "relay unreachable"))
    settle(qtbot, worker)
    indicator = window.sidebar.connection
    assert indicator.text() == "○ Offline · 3 posts waiting"
    assert indicator.property("state") == "offline"
    fake.set_connection(ConnectionStatus(ConnectionState.SYNCING, 0))
    settle(qtbot, worker)
    assert indicator.text() == "◐ Syncing…"


def test_a_removed_member_reads_but_cannot_post(qtbot, window, worker, demo) -> None:
    _open_group(qtbot, window, worker, demo["Research team"])
    assert window.pane.banner.isVisible()
    assert window.pane.composer.edit.isReadOnly()
    assert not window.pane.invite_button.isVisible()


def test_alt_arrows_move_between_groups(qtbot, window, worker, fake) -> None:
    first, second = fake.groups.list()[:2]
    qtbot.keyClick(window, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    settle(qtbot, worker)
    assert window.pane.group.id == second.id
    qtbot.keyClick(window, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    settle(qtbot, worker)
    assert window.pane.group.id == first.id


# -- founders and admins -----------------------------------------------------------------------

def test_create_group_offers_the_default_relay(qtbot, window, fake, worker) -> None:
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    from ui.dialogs.create_group import CreateGroupDialog

    dialog = _dialog(window, CreateGroupDialog)
    assert dialog.relay_edit.text() == "http://127.0.0.1:8765"
    assert not dialog.create_button.isEnabled()
    qtbot.keyClicks(dialog.name_edit, "Choir")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    settle(qtbot, worker)
    qtbot.waitUntil(lambda: window.pane.group is not None and window.pane.group.name == "Choir")
    assert not dialog.isVisible()


def test_invite_link_qr_and_revoke(qtbot, window, fake, worker, demo) -> None:
    qtbot.mouseClick(window.pane.invite_button, Qt.MouseButton.LeftButton)
    dialog = _dialog(window, InviteDialog)
    dialog.uses_spin.setValue(5)
    dialog.expiry_combo.setCurrentIndex(0)
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    settle(qtbot, worker)
    invite = fake.invites.list(demo["Book club"])[0]
    assert invite.uses_total == 5 and invite.expires_at - invite.created_at == 3600
    assert dialog.link_edit.text() == invite.link
    assert dialog.qr_label.pixmap() is not None and not dialog.qr_label.pixmap().isNull()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text() == invite.link
    assert dialog.model.rowCount() == 1
    dialog.list.setCurrentIndex(dialog.model.index(0, 0))
    qtbot.mouseClick(dialog.revoke_button, Qt.MouseButton.LeftButton)
    settle(qtbot, worker)
    assert fake.invites.list(demo["Book club"])[0].status == "revoked"
    assert dialog.link_edit.text() == ""
    assert dialog.model.item_at(0).status == "revoked"


def test_join_requests_are_approved_with_name_and_fingerprint(qtbot, window, fake, worker,
                                                             demo) -> None:
    assert window.pane.requests_button.isVisible()
    assert window.pane.requests_button.text() == "Requests (1)"
    qtbot.mouseClick(window.pane.requests_button, Qt.MouseButton.LeftButton)
    dialog = _dialog(window, JoinRequestsDialog)
    settle(qtbot, worker)
    assert dialog.model.rowCount() == 1
    assert dialog.model.index(0, 0).data().startswith("Eve · ")
    qtbot.mouseClick(dialog.approve_button, Qt.MouseButton.LeftButton)
    settle(qtbot, worker)
    assert dialog.model.rowCount() == 0 and dialog.empty_label.isVisible()
    assert any(m.name == "Eve" for m in fake.members(demo["Book club"]))
    qtbot.waitUntil(lambda: not window.pane.requests_button.isVisible())


def test_members_promote_and_remove_with_an_explanation(qtbot, window, fake, worker, demo,
                                                       monkeypatch) -> None:
    _yes(monkeypatch)
    qtbot.mouseClick(window.pane.members_button, Qt.MouseButton.LeftButton)
    dialog = _dialog(window, MembersDialog)
    settle(qtbot, worker)
    member = dialog.current()
    assert member is not None and not member.is_me
    assert any(ch.isdigit() for ch in dialog.number_label.text())
    assert dialog.promote_button.isVisible() and dialog.remove_button.isVisible()
    qtbot.mouseClick(dialog.promote_button, Qt.MouseButton.LeftButton)
    settle(qtbot, worker)
    promoted = next(m for m in fake.members(demo["Book club"]) if m.name == member.name)
    assert promoted.role == "admin"
    shown: list[str] = []
    monkeypatch.setattr(dialog, "confirm_removal",
                        lambda m: shown.append(removal_warning(m, window.pane.group)) or True)
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    settle(qtbot, worker)
    assert f"remove:{member.fingerprint}" in fake.calls
    assert "will not be able to read anything posted from now on" in shown[0]
    assert all(m.name != member.name for m in dialog.model.items())


def test_declining_removal_removes_no_one(qtbot, window, fake, worker, monkeypatch) -> None:
    qtbot.mouseClick(window.pane.members_button, Qt.MouseButton.LeftButton)
    dialog = _dialog(window, MembersDialog)
    settle(qtbot, worker)
    monkeypatch.setattr(dialog, "confirm_removal", lambda m: False)
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    settle(qtbot, worker)
    assert not any(c.startswith("remove:") for c in fake.calls)


def test_members_see_safety_numbers_but_no_admin_buttons(qtbot, window, worker, demo) -> None:
    _open_group(qtbot, window, worker, demo["Climbing Tuesdays"])
    qtbot.mouseClick(window.pane.members_button, Qt.MouseButton.LeftButton)
    dialog = _dialog(window, MembersDialog)
    settle(qtbot, worker)
    assert dialog.compare_button.isVisible()
    assert not dialog.promote_button.isVisible() and not dialog.remove_button.isVisible()
    qtbot.mouseClick(dialog.compare_button, Qt.MouseButton.LeftButton)
    from ui.dialogs.members import SafetyNumberDialog

    safety = _dialog(dialog, SafetyNumberDialog)
    assert safety.findChild(QWidget, "safetyNumber").text().count("\n") >= 1


# -- members -----------------------------------------------------------------------------------

def test_join_by_pasting_a_link_waits_for_an_admin(qtbot, window, fake, worker) -> None:
    qtbot.keyClick(window, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    dialog = _dialog(window, JoinDialog)
    qtbot.keyClicks(dialog.link_edit, "coterie://join#1.relay.secret.founder")
    qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
    settle(qtbot, worker)
    assert "Waiting for an admin" in dialog.status_label.text()
    assert not dialog.join_button.isEnabled()
    qtbot.waitUntil(lambda: window.sidebar.joins_label.isVisible())
    assert "Joining “Book club”" in window.sidebar.joins_label.text()
    club = fake.create_group("Book club 2")
    from dataclasses import replace

    fake.my_joins[0] = replace(fake.my_joins[0], status="joined", group_id=club.id)
    fake._emit(ChangeKind.JOINS)
    settle(qtbot, worker)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    qtbot.waitUntil(lambda: window.pane.group is not None and window.pane.group.id == club.id)
    qtbot.waitUntil(lambda: not window.sidebar.joins_label.isVisible())


def test_a_bad_link_is_explained(qtbot, window, worker) -> None:
    window.join_group("coterie://join#garbage")
    dialog = _dialog(window, JoinDialog)
    qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
    settle(qtbot, worker)
    assert dialog.error_label.text() == "That invite link is damaged; ask for a new one."
    assert dialog.join_button.isEnabled()  # fix the link and try again
    dialog.link_edit.setText("https://example.org")
    assert not dialog.join_button.isEnabled()


def test_leaving_a_group_asks_and_forgets_it(qtbot, window, fake, worker, demo,
                                            monkeypatch) -> None:
    asked = _yes(monkeypatch)
    window.leave_group(demo["Family"])
    settle(qtbot, worker)
    assert "forgets its posts" in asked[0]
    assert all(g.name != "Family" for g in window.sidebar.model.items())


# -- settings ----------------------------------------------------------------------------------

def test_settings_change_name_relay_and_theme(qtbot, window, ctx, fake, worker) -> None:
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    dialog = _dialog(window, SettingsDialog)
    settle(qtbot, worker)
    assert dialog.name_edit.text() == "Ana"
    dialog.name_edit.setText("Ana B.")
    dialog.relay_edit.setText("https://relay.example.org")
    dialog.theme_combo.setCurrentIndex(dialog.theme_combo.findData("dark"))
    assert ctx.theme.theme is DARK  # previewed at once
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, worker)
    assert fake.settings.get().theme == "dark"
    assert fake.settings.get().default_relay == "https://relay.example.org"
    qtbot.waitUntil(lambda: window.sidebar.me_label.text() == "Ana B.")


def test_settings_change_the_passphrase(qtbot, window, fake, worker) -> None:
    window.open_settings()
    dialog = _dialog(window, SettingsDialog)
    settle(qtbot, worker)
    qtbot.mouseClick(dialog.change_button, Qt.MouseButton.LeftButton)
    assert dialog.passphrase.isVisible()
    dialog.passphrase.first.setText(STRONG)
    dialog.passphrase.confirm.setText(STRONG)
    qtbot.mouseClick(dialog.change_button, Qt.MouseButton.LeftButton)
    settle(qtbot, worker)
    assert "change_passphrase:True" in fake.calls
    assert not dialog.passphrase.isVisible()
    qtbot.mouseClick(dialog.recovery_button, Qt.MouseButton.LeftButton)
    settle(qtbot, worker)
    assert dialog.code_label.text() == RECOVERY


def test_cancelling_settings_restores_the_theme(qtbot, window, ctx, worker) -> None:
    window.open_settings()
    dialog = _dialog(window, SettingsDialog)
    before = ctx.theme.theme
    dialog.theme_combo.setCurrentIndex(dialog.theme_combo.findData("dark"))
    dialog.reject()
    assert ctx.theme.theme is before


# -- accessibility -----------------------------------------------------------------------------

CONTROLS = (QAbstractButton, QLineEdit, QPlainTextEdit, QComboBox, QAbstractSpinBox,
            QAbstractItemView)


def _unnamed(root: QWidget) -> list[str]:
    bad = []
    for w in root.findChildren(QWidget):
        if isinstance(w, CONTROLS) and w.isVisibleTo(root) and w.parent() is not None:
            name = w.accessibleName() or (w.text() if isinstance(w, QAbstractButton) else "")
            if not name.strip() and not w.objectName().startswith("qt_"):
                bad.append(f"{type(w).__name__} {w.objectName()!r}")
    return bad


def test_every_control_has_an_accessible_name(qtbot, window, worker, monkeypatch) -> None:
    assert _unnamed(window) == []
    window.pane.invite_button.click()
    window.pane.members_button.click()
    window.pane.requests_button.click()
    window.search(None)
    window.open_settings()
    window.join_group("")
    window.new_group()
    settle(qtbot, worker)
    from ui.dialogs.base import ServiceDialog

    dialogs = [d for d in window.findChildren(ServiceDialog) if d.isVisible()]
    assert len(dialogs) == 7
    for d in dialogs:
        assert _unnamed(d) == [], type(d).__name__


def test_the_hover_bar_replies_and_reacts(qtbot, window, fake, worker, demo) -> None:
    from PySide6.QtWidgets import QMenu, QStyleOptionViewItem

    from ui.delegates.post_delegate import action_rects

    view, model, delegate = window.pane.view, window.pane.model, window.pane.delegate
    row = next(r for r in range(model.rowCount()) if model.post_at(r).text.startswith("Shall"))
    index = model.index(row, 0)
    view.scrollTo(index)
    qtbot.wait(20)
    rect = view.visualRect(index)
    option = QStyleOptionViewItem()
    option.rect = rect
    option.font = view.font()
    buttons = {name: r for r, name, _g in action_rects(rect.width(), delegate.layout_for(option, index))}
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=rect.topLeft() + buttons["reply"].center())
    assert window.pane.composer.reply_to is not None
    assert window.pane.composer.reply_to.id == model.post_at(row).id
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=rect.topLeft() + buttons["react"].center())
    menus = [m for m in view.findChildren(QMenu) if m.isVisible()]
    assert menus and menus[-1].accessibleName() == "React"
    menus[-1].actions()[0].trigger()  # 👍
    settle(qtbot, worker)
    assert "👍" in model.post_at(row).my_reactions


def test_drafts_stay_with_their_group(qtbot, window, worker, demo) -> None:
    edit = window.pane.composer.edit
    qtbot.keyClicks(edit, "half a thought")
    _open_group(qtbot, window, worker, demo["Climbing Tuesdays"])
    assert edit.toPlainText() == ""
    _open_group(qtbot, window, worker, demo["Book club"])
    assert edit.toPlainText() == "half a thought"


def test_latest_button_returns_from_a_search_hit(qtbot, ctx, fake, worker) -> None:
    g = fake.add_group("Long").id
    for i in range(300):
        fake.add_post(g, "Bea", f"message number {i}", sent_at=1_000_000 + i * 60, emit=False)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.resize(900, 600)
    win.show()
    win.start()
    settle(qtbot, worker)
    view, model = win.pane.view, win.pane.model
    assert not view.latest_button.isVisible()
    win.jump_to_post(g, fake.posts_by_group[g][20].id)
    settle(qtbot, worker)
    assert model.more_after
    qtbot.waitUntil(view.latest_button.isVisible)
    qtbot.mouseClick(view.latest_button, Qt.MouseButton.LeftButton)
    settle(qtbot, worker)
    assert not model.more_after
    assert model.post_at(model.rowCount() - 1).text == "message number 299"
    qtbot.waitUntil(lambda: not view.latest_button.isVisible())


def test_the_window_sliding_down_keeps_the_reader_in_place(qtbot, ctx, fake, worker) -> None:
    from PySide6.QtCore import QPoint

    g = fake.add_group("Long").id
    for i in range(400):
        fake.add_post(g, "Bea", f"message number {i}", sent_at=1_000_000 + i * 600, emit=False)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.resize(900, 600)
    win.show()
    win.start()
    settle(qtbot, worker)
    view, model = win.pane.view, win.pane.model
    model._limit = 100
    win.jump_to_post(g, fake.posts_by_group[g][30].id)
    settle(qtbot, worker)
    first_at_start = model.post_at(0).id
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() - 300)
    settle(qtbot, worker)
    for _ in range(4):
        bar.setValue(bar.maximum() - 300)  # reading near the end, where newer pages load
        settle(qtbot, worker)
        top = view.indexAt(QPoint(80, 5))
        reading = model.post_at(top.row()).id
        y = view.visualRect(top).top()
        model.load_newer()
        settle(qtbot, worker)
        now = view.visualRect(model.index(model.row_of(reading), 0)).top()
        assert abs(now - y) <= 1, f"the post being read moved from {y} to {now}"
    assert model.post_at(0).id != first_at_start  # the window did slide
    assert model.rowCount() <= 100 + 50


def test_older_posts_arriving_above_keep_the_reader_in_place(qtbot, ctx, fake, worker) -> None:
    from PySide6.QtCore import QPoint

    g = fake.add_group("Long").id
    for i in range(300):
        fake.add_post(g, "Bea" if i % 3 else "Chen", f"message number {i}",
                      sent_at=1_000_000 + i * 9000, emit=False)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.resize(900, 600)
    win.show()
    win.start()
    settle(qtbot, worker)
    view, model = win.pane.view, win.pane.model
    for _ in range(3):
        view.verticalScrollBar().setValue(300)
        settle(qtbot, worker)
        top = view.indexAt(QPoint(80, 5))
        reading, y = model.post_at(top.row()).id, view.visualRect(top).top()
        rows = model.rowCount()
        model.load_older()
        settle(qtbot, worker)
        assert model.rowCount() > rows
        now = view.visualRect(model.index(model.row_of(reading), 0)).top()
        assert abs(now - y) <= 1, f"the post being read moved from {y} to {now}"


def test_the_window_remembers_its_size_and_sidebar(qtbot, ctx, demo, worker, tmp_path) -> None:
    from PySide6.QtCore import QSettings

    state = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    first = MainWindow(ctx, window_state=state)
    qtbot.addWidget(first)
    first.resize(700, 500)
    first.show()
    first.splitter.setSizes([320, 380])
    sizes = first.splitter.sizes()
    first.close()
    again = MainWindow(ctx, window_state=QSettings(str(tmp_path / "window.ini"),
                                                   QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    again.show()
    assert abs(again.size().width() - 700) <= 4 and abs(again.size().height() - 500) <= 4
    assert abs(again.splitter.sizes()[0] - sizes[0]) <= 4


def test_f1_lists_the_shortcuts(qtbot, window) -> None:
    from ui.dialogs.shortcuts import SHORTCUTS, ShortcutsDialog

    qtbot.keyClick(window, Qt.Key.Key_F1)
    dialog = _dialog(window, ShortcutsDialog)
    texts = {label.text() for label in dialog.findChildren(QWidget) if hasattr(label, "text")}
    assert all(keys in texts for keys, _what in SHORTCUTS)
    assert _unnamed(dialog) == []


def test_admins_rename_the_group(qtbot, window, fake, worker, demo) -> None:
    assert window.pane.rename_action.isVisible()
    dialog = window.pane.rename_group()
    dialog.setTextValue("Book club (2027)")
    dialog.accept()
    settle(qtbot, worker)
    assert fake.group(demo["Book club"]).name == "Book club (2027)"
    qtbot.waitUntil(lambda: window.pane.title.text() == "Book club (2027)")
    _open_group(qtbot, window, worker, demo["Climbing Tuesdays"])
    assert not window.pane.rename_action.isVisible()  # a member there, not an admin
