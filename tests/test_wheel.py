"""The built wheel works outside the source tree.

Builds the wheel (`python -m build`, no build isolation: the dev extra carries setuptools and
build, so nothing is downloaded), installs it into a fresh venv in tmp_path and runs the
installed `coterie` and `coterie-relay` from a directory outside the repository with no
PYTHONPATH. The venv gets the dependencies by a .pth line naming this interpreter's
site-packages (what --system-site-packages does for a system Python); that directory's own
.pth files (the editable install's path to the source tree) are not processed from there,
and the test checks every package imported comes from the venv.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("app", "crypto", "sync", "ui", "relay")
START_LINE = re.compile(r"^coterie-relay listening on (http://\S+):(\d+), storing in (.+)$")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(venv dir, wheel path): the wheel built from a copy of the tree, installed."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, source / package, ignore=skip)
    build = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir",
         str(base / "dist"), str(source)],
        capture_output=True, text=True, timeout=300, env=_clean_env())
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    (wheel,) = (base / "dist").glob("coterie-*.whl")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
         "--no-index", "--quiet", str(wheel)],
        capture_output=True, text=True, timeout=300, env=_clean_env())
    assert install.returncode == 0, install.stderr
    purelib = subprocess.run([str(python), "-c", "import sysconfig; "
                              "print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(purelib) / "coterie_test_deps.pth").write_text("\n".join(sorted(deps)) + "\n")
    return venv, wheel


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "COTERIE_HOME", "COTERIE_PASSPHRASE", "COTERIE_RELAY",
                        "PYTHON_KEYRING_BACKEND", "VIRTUAL_ENV")}
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    env.update(extra)
    return env


def _run(venv: Path, cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(venv / "bin" / args[0]), *args[1:]], cwd=cwd,
                          capture_output=True, text=True, timeout=120, env=_clean_env(**env))


def test_the_wheel_carries_the_data_files(installed: tuple[Path, Path]) -> None:
    _venv, wheel = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in ("ui/resources/light.qss", "ui/resources/dark.qss",
                    "ui/resources/coterie.svg", "ui/resources/check.svg",
                    "ui/resources/coterie.desktop", "app/migrations/0001_initial.sql",
                    "ui/translations/coterie_de.qm", "app/locale/de/LC_MESSAGES/coterie.mo",
                    "relay/locale/de/LC_MESSAGES/coterie-relay.mo"):
        assert shipped in names
    assert not any(n.startswith(("tests/", "bench/", "docs/")) for n in names)


def test_installed_packages_come_from_the_venv(installed: tuple[Path, Path],
                                               tmp_path: Path) -> None:
    venv, _wheel = installed
    out = _run(venv, tmp_path, "python", "-c",
               "import json, app, crypto, sync, ui, relay; "
               "print(json.dumps([m.__file__ for m in (app, crypto, sync, ui, relay)]))")
    assert out.returncode == 0, out.stderr
    for path in json.loads(out.stdout):
        assert Path(path).resolve().is_relative_to(venv.resolve()), path


def test_installed_coterie_help_and_a_cli_flow_against_the_installed_relay(
        installed: tuple[Path, Path], tmp_path: Path) -> None:
    venv, _wheel = installed
    helped = _run(venv, tmp_path, "coterie", "--help")
    assert helped.returncode == 0 and "--install-desktop-entry" in helped.stdout
    german = _run(venv, tmp_path, "coterie", "no-such-command", COTERIE_LANG="de")
    assert german.returncode == 2 and "siehe `coterie --help`" in german.stderr
    relay_help = _run(venv, tmp_path, "coterie-relay", "--help", COTERIE_LANG="de")
    assert relay_help.stdout.startswith("Aufruf: coterie-relay"), relay_help.stdout
    relay = subprocess.Popen([str(venv / "bin" / "coterie-relay"), "--port", "0", "--data",
                              str(tmp_path / "relay")], cwd=tmp_path, env=_clean_env(),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert relay.stdout is not None
        match = START_LINE.match(relay.stdout.readline().strip())
        assert match, relay.stderr.read() if relay.poll() is not None else "no start line"
        url = f"{match.group(1)}:{match.group(2)}"
        pw = {"COTERIE_PASSPHRASE": "a long passphrase for the wheel test"}
        profile = ("--profile", str(tmp_path / "ana"))

        def coterie(*args: str) -> str:
            done = _run(venv, tmp_path, "coterie", *profile, *args, **pw)
            assert done.returncode == 0, (args, done.stderr)
            return done.stdout.strip()

        coterie("init", "--name", "Ana")
        coterie("settings", "--default-relay", url)
        group = coterie("group", "create", "Book club")
        coterie("post", group, "Hello from the wheel")
        posts = json.loads(coterie("read", group, "--json"))
        assert "Hello from the wheel" in json.dumps(posts)
    finally:
        relay.send_signal(signal.SIGTERM)
        try:
            relay.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            relay.kill()
            relay.communicate()


GUI_PROBE = """
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(["coterie"])
seen = {}
def look():
    shown = [type(w).__name__ for w in app.topLevelWidgets() if w.isVisible()]
    if not shown:
        QTimer.singleShot(50, look)
        return
    seen.update(shown=shown, qss=app.styleSheet(),
                title=[w.windowTitle() for w in app.topLevelWidgets() if w.isVisible()],
                icon=not app.windowIcon().pixmap(64, 64).isNull())
    app.quit()
QTimer.singleShot(50, look)
from ui.launcher import main
code = main(["--profile", sys.argv[1]])
print(json.dumps(dict(seen, code=code)))
"""


def test_installed_app_opens_offscreen_with_its_stylesheet_and_icon(
        installed: tuple[Path, Path], tmp_path: Path) -> None:
    venv, _wheel = installed
    out = _run(venv, tmp_path, "python", "-c", GUI_PROBE, str(tmp_path / "profile"),
               QT_QPA_PLATFORM="offscreen", COTERIE_LANG="de", XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    assert out.returncode == 0, out.stderr[-3000:]
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["icon"] and "FirstRunDialog" in seen["shown"]
    assert "Willkommen bei Coterie" in seen["title"], seen["title"]  # the German catalogue, from the venv
    images = re.findall(r"url\(([^)]+)\)", seen["qss"])
    assert images and all(Path(p).is_file() and Path(p).resolve().is_relative_to(venv.resolve())
                          for p in images), images
