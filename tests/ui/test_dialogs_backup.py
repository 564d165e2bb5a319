"""Back up…, Automatic backups, Export… and Restore… through the real window and services
(a live relay, real stores), each dialog rendered light and dark and looked at."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.api import Services
from app.views import ProfileState
from tests.keyring_double import MemoryKeyring
from tests.ui.conftest import RealApp, settle
from tests.ui.test_screenshots import _check, _out_dir
from ui.dialogs.backup import BackupDialog, ExportDialog, RestoreDialog
from ui.dialogs.first_run import FirstRunDialog

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]
WAIT = 60_000


def _shots(qtbot, real_app: RealApp, dialog, name: str, out: Path) -> None:  # noqa: ANN001
    theme = real_app.window._ctx.theme
    for choice in ("light", "dark"):
        theme.apply(choice)
        settle(qtbot, real_app.worker)
        _check(dialog, name, choice, out)
    theme.apply("light")


def test_back_up_schedule_export_and_restore_from_the_window(
        qtbot, real_app: RealApp, tmp_path: Path) -> None:  # noqa: ANN001
    svc, window = real_app.services, real_app.window
    out = _out_dir(tmp_path)
    code = svc.profile.new_recovery_code()          # the world's code was never kept
    club = next(g for g in svc.groups.list() if g.name == "Book club")

    dialog = window.open_backup()
    assert isinstance(dialog, BackupDialog)
    qtbot.waitUntil(lambda: dialog.code_edit.isVisibleTo(dialog), timeout=WAIT)
    assert not dialog.backup_button.isEnabled()     # the code is needed the first time
    target = tmp_path / "ana.coterie-backup"
    dialog.file_row.edit.setText(str(target))
    qtbot.keyClicks(dialog.code_edit, code)
    _shots(qtbot, real_app, dialog, "backup", out)
    steps: list[tuple[int, int]] = []
    dialog.progress.connect(lambda done, total: steps.append((done, total)))
    dialog.backup_button.click()
    qtbot.waitUntil(lambda: dialog.result_label.isVisibleTo(dialog), timeout=WAIT)
    assert steps and steps[-1][0] == steps[-1][1] > 0   # the bar went from 0 to the end
    assert target.exists() and str(target) in dialog.result_label.text()
    assert not dialog.code_edit.isVisibleTo(dialog)  # remembered from now on
    folder = tmp_path / "auto"
    folder.mkdir()
    dialog.auto_check.setChecked(True)
    dialog.folder_row.edit.setText(str(folder))
    dialog.every_spin.setValue(12)
    dialog.keep_spin.setValue(3)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.auto_status.text().startswith("On:"), timeout=WAIT)
    auto = svc.backup.automatic()
    assert (auto.enabled, auto.folder, auto.every_hours, auto.keep) == (True, str(folder), 12, 3)
    _shots(qtbot, real_app, dialog, "backup_scheduled", out)
    dialog.close()

    export = ExportDialog(window._ctx, club, window)
    qtbot.addWidget(export)
    export.show()
    export.folder_row.edit.setText(str(tmp_path / "export"))
    _shots(qtbot, real_app, export, "export", out)
    export.export_button.click()
    qtbot.waitUntil(lambda: export.result_label.isVisibleTo(export), timeout=WAIT)
    written = sorted((tmp_path / "export").iterdir())
    assert [p.suffix for p in written] == [".html", ".json"]
    doc = json.loads(next(p for p in written if p.suffix == ".json").read_text("utf-8"))
    assert doc["group"]["id"] == club.id and doc["posts"]
    export.close()

    fresh = Services(tmp_path / "restored", keyring_backend=MemoryKeyring())
    try:
        first = FirstRunDialog(fresh, real_app.worker, keyring=True)
        qtbot.addWidget(first)
        first.show()
        _shots(qtbot, real_app, first, "first_run_with_restore", out)
        first.restore_button.click()
        restore = first.findChild(RestoreDialog)
        assert restore is not None
        restore.file_row.edit.setText("/nowhere/at/all.coterie-backup")
        qtbot.keyClicks(restore.code_edit, code)
        _shots(qtbot, real_app, restore, "restore", out)
        restore.restore_button.click()            # a file that is not there: one sentence
        qtbot.waitUntil(lambda: restore.error_label.isVisibleTo(restore)
                        and not restore.busy, timeout=WAIT)
        assert "cannot be read" in restore.error_label.text()
        assert not (tmp_path / "restored").exists()
        restore.file_row.edit.setText(str(target))
        restore.restore_button.click()
        qtbot.waitUntil(lambda: not first.isVisible(), timeout=WAIT)
        assert fresh.profile.state() is ProfileState.UNLOCKED
        assert fresh.profile.me().fingerprint == svc.profile.me().fingerprint
        assert {g.name for g in fresh.groups.list()} == {g.name for g in svc.groups.list()}
    finally:
        fresh.close()
