"""The window speaks German when asked, completely, and lays out right to left for a
right-to-left language.

The German catalogue (ui/translations/coterie_de.ts) must hold every string ui/ marks for
translation, each translated, and the shipped .qm must be the compiled .ts: run
`make translations` after changing a string, then translate what it marks unfinished.
Widget texts must not be bare literals (they would never be translated).
"""
from __future__ import annotations

import ast
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, Qt, QTranslator

from app import i18n as app_i18n
from ui import i18n, timefmt
from ui.i18n_build import TRANSLATIONS, release, sources, update

DE_TS = TRANSLATIONS / "coterie_de.ts"
TEXT_CALLS = {"setText", "setWindowTitle", "setToolTip", "setPlaceholderText",
              "setAccessibleName", "setAccessibleDescription", "setTitle", "setInformativeText",
              "addTab", "addItem", "addAction", "addRow", "addMenu", "show_error", "QLabel",
              "QPushButton", "QCheckBox", "QRadioButton", "QGroupBox", "QAction", "QToolButton",
              "QMessageBox", "QMenu"}


def _messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    out = {}
    for ctx in ET.parse(ts).getroot().iter("context"):
        for msg in ctx.iter("message"):
            out[(ctx.findtext("name"), msg.findtext("source"))] = msg
    return out


def test_every_marked_string_is_in_the_german_catalogue_and_translated(tmp_path: Path) -> None:
    fresh = tmp_path / "coterie_de.ts"
    fresh.write_bytes(DE_TS.read_bytes())
    update(fresh)
    shipped, now = _messages(DE_TS), _messages(fresh)
    assert set(now) == set(shipped), (
        f"run `make translations`: new {sorted(set(now) - set(shipped))[:5]}, "
        f"gone {sorted(set(shipped) - set(now))[:5]}")
    unfinished = [key for key, msg in shipped.items()
                  if msg.find("translation").get("type") == "unfinished"]
    assert not unfinished, f"translate these in {DE_TS.name}: {unfinished[:5]}"
    assert len(shipped) > 350


def test_the_shipped_qm_is_the_compiled_catalogue(tmp_path: Path) -> None:
    copy = tmp_path / "coterie_de.ts"
    copy.write_bytes(DE_TS.read_bytes())
    assert release(copy).read_bytes() == DE_TS.with_suffix(".qm").read_bytes()


def test_placeholders_survive_translation() -> None:
    import re

    for (ctx, source), msg in _messages(DE_TS).items():
        tr = msg.find("translation")
        forms = [f.text or "" for f in tr.iter("numerusform")] or [tr.text or ""]
        for form in forms:
            assert sorted(re.findall(r"\{\w*\}", form)) == sorted(
                set(re.findall(r"\{\w*\}", source))) or set(re.findall(r"\{\w*\}", form)) == \
                set(re.findall(r"\{\w*\}", source)), (ctx, source, form)
            assert ("%Ln" in form) == ("%Ln" in source), (ctx, source, form)


def test_widget_texts_are_never_bare_literals() -> None:
    bare = []
    for path in sources():
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            if name not in TEXT_CALLS:
                continue
            for arg in node.args:
                literal = (isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                           and any(c.isalpha() for c in arg.value)) or isinstance(arg, ast.JoinedStr)
                if literal:
                    bare.append(f"{path.name}:{node.lineno}")
    assert not bare, f"wrap these in self.tr / QCoreApplication.translate: {bare}"


@pytest.fixture
def german(qapp) -> Iterator[None]:
    yield from _language(qapp, "de_DE")


@pytest.fixture
def arabic(qapp) -> Iterator[None]:
    yield from _language(qapp, "ar_EG")


def _language(qapp, name: str) -> Iterator[None]:  # noqa: ANN001
    saved = QLocale()
    installed = i18n.install(qapp, QLocale(name))
    try:
        yield
    finally:
        for translator in installed:
            qapp.removeTranslator(translator)
        QLocale.setDefault(saved)
        timefmt.locale_changed()
        app_i18n.use_language(None)
        qapp.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


def test_german_words_plurals_and_days(german) -> None:
    from app.views import ConnectionState, ConnectionStatus
    from ui.passphrase_strength import strength
    from ui.widgets.connection_indicator import describe

    assert QCoreApplication.translate("TimeFormat", "Yesterday") == "Gestern"
    assert timefmt.until(10 * 86400 + 3 * 3600, 10 * 86400) == "in 3 Stunden"
    assert strength("short").label == "Zu kurz"
    waiting = describe(ConnectionStatus(ConnectionState.OFFLINE, 3))
    assert waiting.endswith("Offline\n3 Beiträge warten"), waiting


def test_a_german_dialog_is_german_throughout(german, qtbot, worker) -> None:
    from PySide6.QtWidgets import QAbstractButton, QLabel

    from ui.dialogs.shortcuts import ShortcutsDialog

    dialog = ShortcutsDialog()
    qtbot.addWidget(dialog)
    texts = [w.text() for w in dialog.findChildren(QLabel)]
    assert dialog.windowTitle() == "Tastenkürzel"
    assert "Alle Gruppen durchsuchen" in texts and "Beenden" in texts
    buttons = [b.text() for b in dialog.findChildren(QAbstractButton)]
    assert buttons == ["&Schließen"] or "Schließen" in " ".join(buttons)  # Qt's own, qtbase_de


def test_arabic_lays_out_right_to_left_with_arabic_digits(arabic, qapp) -> None:
    assert qapp.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert timefmt.number(42) == "٤٢"


def test_without_a_translation_the_window_stays_english_left_to_right(qapp) -> None:
    translator = QTranslator()
    assert not translator.load(QLocale("fr_FR"), "coterie", "_", str(TRANSLATIONS))
    assert "de" in i18n.available()


def test_the_language_comes_from_coterie_lang_first() -> None:
    assert i18n.chosen_locale({"COTERIE_LANG": "de"}).language() == QLocale.Language.German
    assert i18n.chosen_locale({}).name() == QLocale.system().name()


def test_lupdate_is_run_on_the_installed_tools() -> None:
    from ui.i18n_build import tool

    assert subprocess.run([tool("lupdate"), "-version"], capture_output=True).returncode == 0


# -- app/ and the CLI: gettext -------------------------------------------------------------

@pytest.mark.parametrize("relay", [False, True], ids=["coterie", "coterie-relay"])
def test_every_gettext_message_is_in_the_german_po_and_translated(relay: bool) -> None:
    from babel.messages.pofile import read_po

    from ui.i18n_build import gettext_template, po_path, relay_sources

    with po_path("de", relay).open("rb") as f:
        po = read_po(f)
    marked = {m.id for m in gettext_template(relay_sources() if relay else None) if m.id}
    shipped = {m.id for m in po if m.id}
    assert marked == shipped, ("run `make translations`", marked ^ shipped)
    untranslated = [m.id for m in po if m.id and not (
        m.string if isinstance(m.string, str) else all(m.string))]
    assert not untranslated, untranslated
    assert len(marked) >= 30


def test_no_translation_call_hides_inside_an_f_string() -> None:
    """Babel and lupdate read an f-string as one literal: a `_()` or `tr()` inside one is
    never collected, so its text stays English in every language."""
    root = Path(__file__).parents[2]
    hidden = []
    for path in sorted([*root.joinpath("app").rglob("*.py"), *root.joinpath("ui").rglob("*.py"),
                        *root.joinpath("relay").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.JoinedStr):
                continue
            for inner in ast.walk(node):
                f = getattr(inner, "func", None)
                name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
                if isinstance(inner, ast.Call) and name in {"_", "N_", "ngettext", "tr",
                                                           "translate"}:
                    hidden.append(f"{path.relative_to(root)}:{inner.lineno}")
    assert not hidden, f"take these out of the f-string: {hidden}"


@pytest.mark.parametrize("relay", [False, True], ids=["coterie", "coterie-relay"])
def test_the_shipped_mo_is_the_compiled_po(tmp_path: Path, relay: bool) -> None:
    from ui.i18n_build import compile_po, po_path

    built = compile_po(po_path("de", relay), tmp_path / "coterie.mo")
    assert built.read_bytes() == po_path("de", relay).with_suffix(".mo").read_bytes()


def test_timeline_notes_and_cli_messages_in_german(monkeypatch, tmp_path: Path) -> None:
    import os
    import sys

    from app import i18n as app_i18n
    from app.notes import entry, note_text

    monkeypatch.setenv("COTERIE_LANG", "de")
    app_i18n.language_changed()
    try:
        me, bea = b"\x01" * 32, b"\x02" * 32
        made = entry(b"\x00" * 16, 1, "genesis", me, None, "Club", 0)
        added = entry(b"\x00" * 16, 2, "add", bea, me, "Ana", 0)
        assert note_text(made, lambda ik, n: n, me) == "Du hast die Gruppe erstellt"
        assert note_text(added, lambda ik, n: "Bea", me).endswith("hat dich hinzugefügt")
    finally:
        monkeypatch.delenv("COTERIE_LANG")
        app_i18n.language_changed()
    assert note_text(made, lambda ik, n: n, me) == "You created the group"
    env = {**os.environ, "COTERIE_LANG": "de", "PYTHONPATH": str(Path(__file__).parents[2])}
    done = subprocess.run([sys.executable, "-m", "app", "no-such-command"], env=env,
                          capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert done.returncode == 2 and "siehe `coterie --help`" in done.stderr, done.stderr


def test_posts_channels_backups_and_display_advice_in_german(monkeypatch) -> None:
    from app import i18n as app_i18n
    from app.channels import _tags
    from app.errors import InvalidInput
    from app.posts import _text
    from ui.display_check import XCB_LIBRARIES, install_advice, no_display

    monkeypatch.setenv("COTERIE_LANG", "de")
    app_i18n.language_changed()
    try:
        with pytest.raises(InvalidInput, match="Ein Beitrag braucht etwas Text."):
            _text("  ")
        with pytest.raises(InvalidInput, match="höchstens 20 Schlagwörter"):
            _tags([f"t{i}" for i in range(21)])
        assert no_display().startswith("Coterie braucht eine Desktop-Sitzung")
        assert "Unter Fedora ausführen:" in install_advice(list(XCB_LIBRARIES[:1]))
        assert app_i18n.ngettext("{count} reply, {unread} unread", "{count} replies, {unread} unread",
                                 2).format(count=2, unread=1) == "2 Antworten, 1 ungelesen"
    finally:
        monkeypatch.delenv("COTERIE_LANG")
        app_i18n.language_changed()
    with pytest.raises(InvalidInput, match="A post needs some text."):
        _text("  ")
