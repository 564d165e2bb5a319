"""`coterie --help` and `coterie-relay --help` speak the user's language: our help texts,
argparse's own words ("usage:", "options", its refusals) and the one-sentence errors.

Run as real processes with only the standard gettext variables set (LANGUAGE, LC_ALL), the
way a German desktop starts them; and every help text of every command, checked against
the English parser, has its German.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import cli
from app import i18n as app_i18n
from relay import cli as relay_cli
from relay import i18n as relay_i18n

ROOT = Path(__file__).resolve().parents[2]


def _run(tmp_path: Path, *argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items()
             if k not in {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", "COTERIE_LANG"}}
    return subprocess.run([sys.executable, *argv], capture_output=True, text=True, cwd=tmp_path,
                          env={**clean, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8",
                               **env}, timeout=60)


def test_coterie_help_is_german_with_language_de(tmp_path: Path) -> None:
    done = _run(tmp_path, "-m", "app", "--help", LANGUAGE="de")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Aufruf: coterie")
    assert "Positionsargumente:" in done.stdout and "Optionen:" in done.stdout
    assert "diese Hilfe anzeigen und beenden" in done.stdout
    assert "ein Profil erstellen" in done.stdout
    assert "usage:" not in done.stdout and "create a profile" not in done.stdout


def test_a_command_help_is_german_with_lc_all(tmp_path: Path) -> None:
    done = _run(tmp_path, "-m", "app", "post", "--help", LC_ALL="de_DE.UTF-8")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Aufruf: coterie post")
    assert "im Thread dieses Beitrags antworten" in done.stdout
    assert "Kanal-ID oder -Name (Vorgabe: General)" in done.stdout


def test_a_refused_command_line_is_german(tmp_path: Path) -> None:
    done = _run(tmp_path, "-m", "app", "post", LANGUAGE="de")
    assert done.returncode == 2
    assert done.stderr == ("coterie: diese Argumente fehlen: group, text; "
                           "siehe `coterie --help`.\n")
    done = _run(tmp_path, "-m", "app", "read", "g", "--limit", "x", LANGUAGE="de")
    assert "Argument --limit: --limit muss eine ganze Zahl" in done.stderr, done.stderr


def test_the_relay_help_is_german(tmp_path: Path) -> None:
    done = _run(tmp_path, "-c", "import sys; from relay.cli import main; sys.exit(main())",
                "--help", LANGUAGE="de")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Aufruf: coterie-relay")
    assert "Ein Coterie-Relay betreiben: ein blinder Postfach-Server." in done.stdout
    assert "Adresse, auf der gelauscht wird (Vorgabe 127.0.0.1)" in done.stdout
    done = _run(tmp_path, "-c", "import sys; from relay.cli import main; sys.exit(main())",
                "--port", "x", COTERIE_LANG="de")
    assert done.returncode == 2
    assert "Der Port muss eine Zahl zwischen 0 und 65535 sein." in done.stderr


def test_without_a_german_environment_the_help_stays_english(tmp_path: Path) -> None:
    done = _run(tmp_path, "-m", "app", "--help", LANGUAGE="fr")
    assert done.stdout.startswith("usage: coterie") and "create a profile" in done.stdout


# -- every help text has its German --------------------------------------------------------

def _texts(parser: argparse.ArgumentParser, where: str = "") -> Iterator[tuple[str, str]]:
    """(where, text) for the parser's description, epilog and every help, all commands
    down; in building order, so two parsers built alike pair up."""
    where = where or parser.prog
    for label, text in (("description", parser.description), ("epilog", parser.epilog)):
        if text:
            yield f"{where} {label}", text
    for action in parser._actions:
        if action.help and action.help is not argparse.SUPPRESS:
            yield f"{where} {'/'.join(action.option_strings) or action.dest}", action.help
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                yield f"{where} {choice.dest}", choice.help or ""
            for name, sub in action.choices.items():
                yield from _texts(sub, f"{where} {name}")


def _both(build, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, str]]:  # noqa: ANN001
    english = list(_texts(build()))
    monkeypatch.setenv("COTERIE_LANG", "de")
    app_i18n.language_changed()
    relay_i18n.catalogue.cache_clear()
    try:
        german = list(_texts(build()))
    finally:
        monkeypatch.delenv("COTERIE_LANG")
        app_i18n.language_changed()
        relay_i18n.catalogue.cache_clear()
    assert [w for w, _t in english] == [w for w, _t in german]
    return [(w, e, g) for (w, e), (_w, g) in zip(english, german, strict=True)]


def _relay_migrate_parser() -> argparse.ArgumentParser:
    from relay import migrate

    built: list[argparse.ArgumentParser] = []

    class Caught(Exception):
        pass

    def grab(self: argparse.ArgumentParser, args: object = None) -> None:
        built.append(self)
        raise Caught

    original = argparse.ArgumentParser.parse_args
    argparse.ArgumentParser.parse_args = grab  # type: ignore[method-assign,assignment]
    try:
        with pytest.raises(Caught):
            migrate.main([])
    finally:
        argparse.ArgumentParser.parse_args = original  # type: ignore[method-assign]
    return built[0]


@pytest.mark.parametrize("build", [cli.build_parser, relay_cli._parser, _relay_migrate_parser],
                         ids=["coterie", "coterie-relay", "coterie-relay migrate"])
def test_every_help_text_has_its_german(build, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    pairs = _both(build, monkeypatch)
    untranslated = [(where, english) for where, english, german in pairs if english == german]
    assert not untranslated, f"mark with _() and translate (`make translations`): {untranslated}"
    assert len(pairs) >= (150 if build is cli.build_parser else 5)


# -- what the commands print ---------------------------------------------------------------

def test_command_errors_and_reports_are_german(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    done = _run(tmp_path, "-m", "app", "--profile", str(tmp_path / "none"), "group", "list",
                LANGUAGE="de")
    assert done.returncode == 3
    assert done.stderr == ("coterie: Hier gibt es noch kein Profil; führe zuerst "
                           "`coterie init --name NAME` aus.\n"), done.stderr

    from app.cli_groups import sync_text
    from app.views import SyncReport

    monkeypatch.setenv("COTERIE_LANG", "de")
    app_i18n.language_changed()
    try:
        report = SyncReport(sent=1, received=3, new_posts=2, joined=(), admitted=1,
                            warnings=(), offline=("https://relay.example.org",),
                            waiting_requests=1)
        assert sync_text(report) == (
            "1 gesendet, 3 empfangen, 2 neue Beiträge. 1 Mitglied zugelassen. "
            "1 Beitrittsanfrage wartet auf Zustimmung.\n"
            "https://relay.example.org war nicht erreichbar; was wartet, geht beim nächsten "
            "Mal hinaus.")
    finally:
        monkeypatch.delenv("COTERIE_LANG")
        app_i18n.language_changed()
    assert sync_text(report).startswith("Sent 1, received 3, 2 new posts. Admitted 1 member.")


def test_roles_and_states_in_tables_read_in_german(monkeypatch: pytest.MonkeyPatch) -> None:
    from app import cli_format as fmt
    from app import i18n

    monkeypatch.setenv("COTERIE_LANG", "de")
    i18n.language_changed()
    try:
        assert [fmt.word(w) for w in ("owner", "observer", "used up", "left")] == \
            ["Inhaber", "Beobachter", "aufgebraucht", "verlassen"]
        assert fmt.word("something new") == "something new"
    finally:
        monkeypatch.delenv("COTERIE_LANG")
        i18n.language_changed()
