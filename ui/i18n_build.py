"""`make translations`: collect ui/ strings into ui/translations/coterie_<lang>.ts with
PySide6's lupdate, then compile every .ts into the .qm shipped beside it (lrelease); and
collect the `_()` / `ngettext()` messages of app/ and the terminal-facing ui modules into
app/locale/<lang>/LC_MESSAGES/coterie.po with Babel, compiled to the .mo gettext reads
(the relay's own into relay/locale/<lang>/LC_MESSAGES/coterie-relay.po the same way). Both
.po files also carry argparse's own words (ARGPARSE_MESSAGES), which the CLIs hand to the
same catalogue (app/i18n.py argparse_in_language).

The .ts files carry no source locations, so moving code does not change them; a string
that changed shows up as a new, unfinished message for the translator (and the test in
tests/ui/test_i18n.py fails until it is translated).
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

UI = Path(__file__).resolve().parent
ROOT = UI.parent
TRANSLATIONS = UI / "translations"
LOCALE = ROOT / "app" / "locale"
RELAY_LOCALE = ROOT / "relay" / "locale"
LANGUAGES = ("de",)
STAMP = datetime(2026, 11, 30, tzinfo=UTC)
NOT_UI_TEXT = {"dev_run.py", "display_check.py", "launcher.py", "desktop_entry.py",
               "i18n_build.py"}  # terminal output: gettext (app/i18n.py)


def tool(name: str) -> str:
    beside = Path(sys.executable).parent / f"pyside6-{name}"
    return str(beside) if beside.exists() else shutil.which(f"pyside6-{name}") or name


def sources() -> list[Path]:
    return sorted(p for p in UI.rglob("*.py") if p.name not in NOT_UI_TEXT)


def update(ts: Path, files: list[Path] | None = None) -> str:
    """Bring `ts` up to date with the ui/ sources; returns lupdate's report."""
    done = subprocess.run([tool("lupdate"), "-locations", "none", "-no-obsolete",
                           *map(str, files or sources()), "-ts", str(ts)],
                          capture_output=True, text=True, check=True)
    return done.stdout + done.stderr


def release(ts: Path) -> Path:
    qm = ts.with_suffix(".qm")
    subprocess.run([tool("lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)
    return qm


# What argparse itself prints in a --help or a refused command line, looked up through the
# CLIs' catalogues (its texts are %-formatted: placeholders stay as they are).
ARGPARSE_MESSAGES: tuple[str | tuple[str, str], ...] = (
    "usage: ", "positional arguments", "options", "show this help message and exit",
    "argument %(argument_name)s: %(message)s", "unrecognized arguments: %s",
    "the following arguments are required: %s", "one of the arguments %s is required",
    "not allowed with argument %s", "ignored explicit argument %r",
    "expected one argument", "expected at most one argument", "expected at least one argument",
    ("expected %s argument", "expected %s arguments"),
    "ambiguous option: %(option)s could match %(matches)s",
    "unexpected option string: %s", "invalid %(type)s value: %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)", "%(prog)s: error: %(message)s\n",
)


def gettext_sources() -> list[Path]:
    return sorted([*(ROOT / "app").rglob("*.py"), *(UI / n for n in NOT_UI_TEXT),
                   UI / "gui.py"])


# crypto/ speaks no language: the sentences it refuses with are English literals, raised
# or marked with reason(); the app translates them where it shows them (app/reasons.py).
CRYPTO_KEYWORDS = {"reason": None, "NotAllowed": None, "InviteError": None,
                   "InviteExpired": None}


# sync/ likewise: the sentences of its errors (not the relay's own, which RelayRejected
# carries) and the details it marks with sentence().
SYNC_KEYWORDS = {"sentence": None, "SyncError": None, "RelayUnreachable": None,
                 "RelayProtocolError": None, "RelayOverflow": None, "ReadCancelled": None}


def crypto_sources() -> list[Path]:
    return sorted((ROOT / "crypto").rglob("*.py"))


def relay_sources() -> list[Path]:
    return sorted((ROOT / "relay").rglob("*.py"))


def gettext_template(files: list[Path] | None = None):  # noqa: ANN201  (a babel Catalog)
    """The messages marked in `files` (default: app/ and the terminal-facing ui modules,
    with crypto/'s refusal sentences) and argparse's; Babel is a dev dependency."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_file

    # a fixed date: the .po changes only when its messages do
    template = Catalog(project="Coterie", charset="utf-8", creation_date=STAMP)
    for path in gettext_sources() if files is None else files:
        for _line, message, _comments, _context in extract_from_file(
                "python", str(path), keywords={"_": None, "N_": None, "ngettext": (1, 2)}):
            template.add(message, locations=[], flags=("python-brace-format",))
    if files is None:
        for path, keywords in [*((p, CRYPTO_KEYWORDS) for p in crypto_sources()),
                               *((p, SYNC_KEYWORDS) for p in sorted((ROOT / "sync").rglob("*.py")))]:
            for _line, message, _comments, _context in extract_from_file(
                    "python", str(path), keywords=keywords):
                if isinstance(message, str) and message:
                    template.add(message, locations=[], flags=("python-brace-format",))
    for message in ARGPARSE_MESSAGES:
        template.add(message, locations=[], flags=("python-format",))
    return template


def po_path(lang: str, relay: bool = False) -> Path:
    if relay:
        return RELAY_LOCALE / lang / "LC_MESSAGES" / "coterie-relay.po"
    return LOCALE / lang / "LC_MESSAGES" / "coterie.po"


def update_po(po: Path, lang: str, files: list[Path] | None = None) -> None:
    """Bring `po` up to date with the marked messages (new ones empty, gone ones dropped)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    if po.exists():
        with po.open("rb") as f:
            catalog = read_po(f, locale=lang)
    else:
        catalog = Catalog(locale=lang, project="Coterie", charset="utf-8",
                          creation_date=STAMP, revision_date=STAMP)
    catalog.update(gettext_template(files), no_fuzzy_matching=True)
    catalog.fuzzy = False
    catalog.revision_date = STAMP
    catalog.obsolete.clear()
    po.parent.mkdir(parents=True, exist_ok=True)
    with po.open("wb") as f:
        write_po(f, catalog, omit_header=False, no_location=True, width=100)


def compile_po(po: Path, mo: Path | None = None) -> Path:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    mo = mo or po.with_suffix(".mo")
    with po.open("rb") as f:
        catalog = read_po(f)
    with mo.open("wb") as f:
        write_mo(f, catalog, use_fuzzy=False)
    return mo


def main() -> int:
    for lang in LANGUAGES:
        ts = TRANSLATIONS / f"coterie_{lang}.ts"
        print(update(ts).strip())
        print(f"wrote {release(ts)}")
        po = po_path(lang)
        update_po(po, lang)
        print(f"wrote {compile_po(po)}")
        relay_po = po_path(lang, relay=True)
        update_po(relay_po, lang, relay_sources())
        print(f"wrote {compile_po(relay_po)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
