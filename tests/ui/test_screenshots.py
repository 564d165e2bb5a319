"""Every window and dialog rendered offscreen in the light and dark theme.

The images are checked for content (many colours, brightness that matches the theme) and
written to COTERIE_SCREENSHOTS (default: the test's tmp dir) so a person can look at them.
"""
from __future__ import annotations

import base64
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QAbstractSpinBox, QLabel, QWidget

from app.api import Services
from app.views import ProfileState
from tests.keyring_double import MemoryKeyring
from tests.ui.conftest import settle, show_group
from tests.ui.real_services import WAIT, App
from ui.dialogs.create_group import CreateGroupDialog
from ui.dialogs.first_run import FirstRunDialog
from ui.dialogs.invite import InviteDialog
from ui.dialogs.join import JoinDialog
from ui.dialogs.members import MembersDialog, SafetyNumberDialog
from ui.dialogs.moderation_log import ModerationLogDialog
from ui.dialogs.requests import JoinRequestsDialog
from ui.dialogs.search import SearchDialog
from ui.dialogs.settings import SettingsDialog
from ui.dialogs.shortcuts import ShortcutsDialog
from ui.dialogs.unlock import UnlockDialog
from ui.main_window import MainWindow


def _out_dir(tmp_path: Path) -> Path:
    out = Path(os.environ.get("COTERIE_SCREENSHOTS", str(tmp_path)))
    out.mkdir(parents=True, exist_ok=True)
    return out


def _rows(window: MainWindow) -> list:
    model = window.pane.model
    return [model.post_at(r) for r in range(model.rowCount())]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _link_to(relay: str) -> str:
    """A well-formed invite link naming `relay` (its keys lead nowhere)."""
    return f"coterie://join#1.{_b64(relay.encode())}.{_b64(bytes(range(32)))}.{_b64(bytes(32))}"


def _brightness(image: QImage) -> float:
    total = n = 0
    for y in range(0, image.height(), 7):
        for x in range(0, image.width(), 7):
            c = image.pixelColor(x, y)
            total += c.lightness()
            n += 1
    return total / max(1, n)


def _colours(image: QImage) -> int:
    return len({image.pixel(x, y) for y in range(0, image.height(), 3)
                for x in range(0, image.width(), 3)})


def _check(widget: QWidget, name: str, theme: str, out: Path) -> Path:
    image = widget.grab().toImage()
    path = out / f"{name}_{theme}.png"
    assert image.save(str(path))
    assert image.width() > 200 and image.height() > 100, name
    assert _colours(image) > 12, f"{name} looks empty"
    light = _brightness(image)
    assert (light > 150) if theme == "light" else (light < 110), f"{name}: brightness {light}"
    for label in widget.findChildren(QLabel):
        # a wrapped text given less height than it needs is cut off at top and bottom
        if label.wordWrap() and label.isVisible() and label.text():
            assert label.height() >= label.heightForWidth(label.width()), \
                f"{name}: {label.text()[:40]!r} is cut off"
    for spin in widget.findChildren(QAbstractSpinBox):
        # a styled spin box can squeeze its text field to a pixel and show nothing
        if spin.isVisible():
            assert spin.lineEdit().width() >= 20, f"{name}: {spin.accessibleName()} hides its value"
    return path


@pytest.fixture(scope="session")
def locked_profile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, MemoryKeyring]:
    """A profile protected by a passphrase, made once (two Argon2id runs) and only read."""
    keyring = MemoryKeyring()
    profile = tmp_path_factory.mktemp("locked") / "profile"
    made = Services(profile, keyring_backend=keyring)
    made.profile.create("Ana", "saffron kettle under the stairs")
    made.close()
    return profile, keyring


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_windows_and_dialogs_render(qtbot, ana: App, worker, theme, tmp_path,  # noqa: ANN001
                                    locked_profile: tuple[Path, MemoryKeyring]) -> None:
    """Ana's window over her real services in the session's world (Book club with replies,
    a reaction, an edit, a request to join), every dialog, the first run, the unlock
    dialog and the window of a profile without groups."""
    services, ctx, win, world = ana.services, ana.ctx, ana.window, ana.world
    club = world.groups["Book club"]
    # Bea adds a post with markup and one she deletes, dated a minute back so a group
    # made later in this test is the newest activity
    bea = Services(world.profile_dir("Bea"), keyring_backend=world.keyring,
                   clock=lambda: time.time() - 60)
    try:
        bea.profile.unlock()
        bea.posts.post(club, "Halfway through. The **Shifgrethor** chapters are wonderful.")
        gone = bea.posts.post(club, "Wrong group, sorry")
        bea.posts.delete(club, gone.id)
        bea.sync_once()
    finally:
        bea.close()
    services.sync_once()
    ctx.theme.apply(theme)
    out = _out_dir(tmp_path)
    win.resize(1100, 720)
    qtbot.waitUntil(lambda: any(p.deleted for p in _rows(win)), timeout=WAIT)
    settle(qtbot, ana.worker)
    model, view = win.pane.model, win.pane.view
    kinds = {p.kind for p in _rows(win)}
    assert {"post"} <= kinds and any(p.reply_to for p in _rows(win))
    assert any(p.reactions for p in _rows(win)) and any(p.edited for p in _rows(win))
    hover = next(r for r in range(model.rowCount()) if model.post_at(r).reply_to is not None)
    qtbot.mouseMove(view.viewport(), view.visualRect(model.index(hover, 0)).center())
    qtbot.wait(30)
    _check(win, "main_window", theme, out)
    group = win.pane.group
    assert group is not None
    fresh = services.groups.create("Choir", world.relay_url)
    qtbot.waitUntil(lambda: any(g.id == fresh.id for g in win.groups), timeout=WAIT)
    win.select_group(fresh.id)
    qtbot.waitUntil(lambda: win.pane.group is not None and win.pane.group.id == fresh.id
                    and not win.pane.model.loading, timeout=WAIT)
    settle(qtbot, ana.worker)
    assert not [p for p in _rows(win) if p.kind == "post"]
    _check(win, "main_window_new_group", theme, out)
    assert win.sidebar.model.item_at(0).id == fresh.id  # the newest activity is on top
    win.select_group(group.id)  # back to the group with posts for the dialogs
    settle(qtbot, ana.worker)

    def shot(make: Callable[[], QWidget], name: str,
             prepare: Callable[[QWidget], None] | None = None) -> None:
        dialog = make()
        qtbot.addWidget(dialog)
        dialog.show()
        settle(qtbot, ana.worker)
        if prepare is not None:
            prepare(dialog)
            settle(qtbot, ana.worker)
        _check(dialog, name, theme, out)
        dialog.close()

    def with_invite(d: InviteDialog) -> None:
        d._create()

    def with_query(d: SearchDialog) -> None:
        d.field.setText("the")
        d.run_search()

    other = next(m for m in services.groups.members(club) if not m.is_me)
    shot(lambda: CreateGroupDialog(ctx, win), "create_group")
    shot(lambda: InviteDialog(ctx, group, win), "invite", with_invite)
    shot(lambda: JoinDialog(ctx, _link_to("https://relay.example.org"), win), "join")
    shot(lambda: JoinRequestsDialog(ctx, group, win), "join_requests")
    shot(lambda: MembersDialog(ctx, group, win), "members")
    services.moderation.channel_rule(group.id, "General", slowmode=30)
    services.moderation.timeout(group.id, other.fingerprint, 3600, "a cooling-off hour")
    services.moderation.lift(group.id, other.fingerprint)
    shot(lambda: ModerationLogDialog(ctx, group, win), "moderation_log")
    shot(lambda: SafetyNumberDialog(other, win), "safety_number")
    shot(lambda: SearchDialog(ctx, None, win), "search", with_query)
    shot(lambda: SettingsDialog(ctx, win), "settings")
    shot(lambda: ShortcutsDialog(win), "shortcuts")

    new = Services(tmp_path / "new", keyring_backend=MemoryKeyring())
    assert new.profile.state() is ProfileState.NEW
    first = FirstRunDialog(new, worker, keyring=True)
    qtbot.addWidget(first)
    first.show()
    _check(first, "first_run_name", theme, out)
    first.name_edit.setText("Ana")
    first._next()
    first.pass_radio.setChecked(True)
    first.passphrase.first.setText("purple tra")
    _check(first, "first_run_protect", theme, out)
    first.keyring_radio.setChecked(True)
    first._next()
    qtbot.waitUntil(lambda: first.pages.currentIndex() == 2, timeout=WAIT)
    first.saved_box.setChecked(True)
    _check(first, "first_run_recovery", theme, out)
    first.close()

    profile, keyring = locked_profile
    locked = Services(profile, keyring_backend=keyring)
    try:
        assert locked.profile.state() is ProfileState.LOCKED
        shot(lambda: UnlockDialog(locked, worker, locked.profile.unlock_info(), True), "unlock")
    finally:
        locked.close()

    # the profile the first run made: unlocked, in no group yet
    assert new.profile.state() is ProfileState.UNLOCKED and not new.groups.list()
    ctx.services = new
    win2 = MainWindow(ctx)
    qtbot.addWidget(win2)
    win2.resize(1100, 720)
    win2.show()
    win2.start()
    settle(qtbot, worker)
    settle(qtbot, ana.worker)
    _check(win2, "main_window_empty", theme, out)
    win2.close()
    ctx.services = services
    new.close()


@pytest.mark.slow
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_dialogs_over_real_services_render(qtbot, real_app, theme, tmp_path) -> None:  # noqa: ANN001
    """The composer near its limit and replying, the join dialog warning about a local
    address, the invite dialog with its arrows, renaming with a blank name, the reaction
    picker and the passphrase fields that differ, over the real services."""
    import base64

    from PySide6.QtCore import QPoint

    from tests.ui.conftest import settle as wait_settled
    from ui.dialogs.rename import RenameGroupDialog
    from ui.widgets.passphrase_fields import PassphraseFields

    app, out = real_app, _out_dir(tmp_path)
    app.window._ctx.theme.apply(theme)
    gid = app.services.groups.create("Book club", app.relay_url).id
    app.services.posts.post(gid, "First book: **Piranesi** by _Susanna Clarke_")
    win = app.window
    win.resize(1100, 720)
    show_group(qtbot, win, gid)
    qtbot.waitUntil(lambda: win.pane.model.rowCount() >= 2, timeout=30_000)
    wait_settled(qtbot, app.worker)
    model = win.pane.model
    post = next(p for p in (model.post_at(r) for r in range(model.rowCount()))
                if p.kind == "post")
    win.pane.composer.start_reply(post)
    win.pane.composer.edit.setPlainText("x" * 31_990)
    _check(win, "composer_reply_counter", theme, out)
    win.pane.composer.clear_mode()
    win.pane.composer.edit.clear()

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    join = JoinDialog(win._ctx, "", win)
    qtbot.addWidget(join)
    join.show()
    join.link_edit.setText(f"coterie://join#1.{b64(b'http://192.168.1.20:8765')}."
                           f"{b64(bytes(range(32)))}.{b64(bytes(32))}")
    wait_settled(qtbot, app.worker)
    _check(join, "join_local_warning", theme, out)
    join.close()

    invite = InviteDialog(win._ctx, win.pane.group, win)
    qtbot.addWidget(invite)
    invite.show()
    invite._create()
    qtbot.waitUntil(lambda: invite.model.rowCount() == 1, timeout=30_000)
    wait_settled(qtbot, app.worker)
    _check(invite, "invite_arrows", theme, out)
    invite.close()

    rename = RenameGroupDialog(win._ctx, win.pane.group, win)
    qtbot.addWidget(rename)
    rename.show()
    rename.name_edit.clear()
    rename.accept()
    _check(rename, "rename_blank", theme, out)
    rename.close()

    menu = win.pane.view.reaction_menu(post)
    menu.popup(win.mapToGlobal(QPoint(400, 300)))
    qtbot.waitUntil(menu.isVisible, timeout=30_000)
    image = menu.grab().toImage()
    assert image.save(str(out / f"reaction_picker_{theme}.png"))
    assert image.width() > 6 * 28 and image.height() < 80  # one row, not a column
    menu.close()

    fields = PassphraseFields()
    qtbot.addWidget(fields)
    fields.resize(460, 160)
    fields.show()
    fields.first.setText("saffron kettle under the stairs")
    fields.confirm.setText("saffron cattle")
    _check(fields, "passphrase_mismatch", theme, out)
