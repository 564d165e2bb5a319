"""`make translations`: collect ui/ strings into ui/translations/coterie_<lang>.ts with
PySide6's lupdate, then compile every .ts into the .qm shipped beside it (lrelease).

The .ts files carry no source locations, so moving code does not change them; a string
that changed shows up as a new, unfinished message for the translator (and the test in
tests/ui/test_i18n.py fails until it is translated).
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

UI = Path(__file__).resolve().parent
TRANSLATIONS = UI / "translations"
LANGUAGES = ("de",)
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


def main() -> int:
    for lang in LANGUAGES:
        ts = TRANSLATIONS / f"coterie_{lang}.ts"
        print(update(ts).strip())
        print(f"wrote {release(ts)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
