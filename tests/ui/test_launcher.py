"""`coterie` dispatch, the display / xcb library check, and `make run`'s local relay."""
from __future__ import annotations

import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from app.api import Services
from tests.ui.real_services import LiveWorld
from ui.dev_run import RelayStartError, ensure_local_relay, probe
from ui.display_check import (
    XCB_LIBRARIES,
    check_display_libraries,
    has_no_display,
    install_advice,
    missing_libraries,
    no_display,
    will_use_xcb,
)
from ui.launcher import split_gui_args

ROOT = Path(__file__).resolve().parents[2]


def test_arguments_that_start_the_gui() -> None:
    assert split_gui_args([]) == (True, None, None)
    assert split_gui_args(["--profile", "/p"]) == (True, "/p", None)
    assert split_gui_args(["coterie://join#1.a.b.c"]) == (True, None, "coterie://join#1.a.b.c")
    assert split_gui_args(["--profile=/p", "coterie://join#x"]) == (True, "/p", "coterie://join#x")
    assert split_gui_args(["group", "list"])[0] is False
    assert split_gui_args(["--profile", "/p", "sync"])[0] is False


def test_xcb_is_expected_only_on_x11() -> None:
    assert will_use_xcb({"DISPLAY": ":0"}, "linux")
    assert not will_use_xcb({"DISPLAY": ":0"}, "darwin")
    assert not will_use_xcb({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not will_use_xcb({"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland",
                             "DISPLAY": ":0"}, "linux")
    assert will_use_xcb({"QT_QPA_PLATFORM": "xcb", "DISPLAY": ":1"}, "linux")


def test_no_display_is_one_sentence() -> None:
    assert has_no_display({}, "linux")
    assert not has_no_display({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not has_no_display({"DISPLAY": ":0"}, "linux")
    assert check_display_libraries({}, lambda s: True, "linux") == no_display()
    assert no_display().count(".") == 1 and "QT_QPA_PLATFORM=offscreen" in no_display()


def test_missing_libraries_name_their_packages() -> None:
    missing = missing_libraries(lambda soname: soname != "libxcb-cursor.so.0")
    assert [lib.soname for lib in missing] == ["libxcb-cursor.so.0"]
    advice = install_advice(missing)
    assert "sudo apt install libxcb-cursor0" in advice
    assert "sudo dnf install xcb-util-cursor" in advice
    assert check_display_libraries({"DISPLAY": ":0"}, lambda s: True, "linux") is None


def test_every_library_has_both_package_names() -> None:
    for lib in XCB_LIBRARIES:
        assert lib.soname.startswith("lib") and ".so." in lib.soname
        assert lib.debian and lib.fedora


def _run(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, text=True,
                          capture_output=True, timeout=60)


def test_launcher_prints_packages_instead_of_qts_abort(tmp_path: Path) -> None:
    really_missing = missing_libraries()
    if not really_missing:
        pytest.skip("this machine has every xcb library")
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(DISPLAY=":99", COTERIE_HOME=str(tmp_path))
    out = _run("import sys; from ui.launcher import main; rc = main([]); "
               "assert 'PySide6' not in sys.modules; sys.exit(rc)", env)
    assert out.returncode == 2
    assert "sudo apt install" in out.stderr and "sudo dnf install" in out.stderr
    assert really_missing[0].debian in out.stderr


def test_launcher_without_a_display_says_so(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "DISPLAY")}
    env["COTERIE_HOME"] = str(tmp_path)
    out = _run("import sys; from ui.dev_run import main; sys.exit(main([]))", env)
    assert out.returncode == 2
    assert out.stderr.strip() == no_display().strip()


def test_a_subcommand_runs_the_cli_without_qt(tmp_path: Path) -> None:
    env = dict(os.environ, COTERIE_HOME=str(tmp_path), COTERIE_PASSPHRASE="x" * 12)
    out = _run("import sys; from ui.launcher import main; rc = main(['group', 'list']); "
               "assert 'PySide6' not in sys.modules, 'Qt was imported'; print('rc', rc)", env)
    assert "Qt was imported" not in out.stderr
    assert out.stdout.strip().startswith("rc ")
    assert "Traceback" not in out.stderr


# -- make run's relay -------------------------------------------------------------------------

def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_probe_finds_nothing_on_a_closed_port() -> None:
    assert probe(f"http://127.0.0.1:{_free_port()}") == "none"


def test_something_else_on_the_port_is_refused() -> None:
    class NotARelay(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            body = json.dumps({"hello": "world"}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), NotARelay)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        assert probe(f"http://127.0.0.1:{port}") == "other"
        with pytest.raises(RelayStartError, match="not a Coterie relay"):
            ensure_local_relay(port=port)
    finally:
        server.shutdown()


def test_a_local_relay_is_started_reused_and_stopped(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # the relay's default data dir lands here, not in the repo
    port = _free_port()
    relay = ensure_local_relay(port=port, timeout=30)
    try:
        assert relay.process is not None
        assert probe(relay.url) == "relay"
        again = ensure_local_relay(port=port)
        assert again.process is None and again.url == relay.url
    finally:
        relay.stop()
    assert relay.process.poll() is not None
    assert probe(relay.url) == "none"


# -- one app per profile ----------------------------------------------------------------------

def test_a_second_start_hands_its_link_to_the_running_app(qtbot, tmp_path: Path) -> None:
    from ui.single_instance import SingleInstance, server_name

    running = SingleInstance(tmp_path / "profile")
    assert running.listen()
    try:
        second = SingleInstance(tmp_path / "profile")
        with qtbot.waitSignal(running.message, timeout=5000) as got:
            assert second.hand_over("coterie://join#1.r.s.f")
        assert got.args == ["coterie://join#1.r.s.f"]
        other_profile = SingleInstance(tmp_path / "other")
        assert not other_profile.hand_over("coterie://join#x")
        assert server_name(tmp_path / "profile") != server_name(tmp_path / "other")
    finally:
        running.close()


def _locked_ana(world: LiveWorld) -> Services:
    """Ana's profile as the app finds it at start: locked, its key in the keyring."""
    return Services(world.profile_dir("Ana"), keyring_backend=world.keyring)


def test_a_handed_over_link_opens_the_join_dialog(qtbot, qapp, world: LiveWorld) -> None:
    from ui.dialogs.join import JoinDialog
    from ui.gui import Startup
    from ui.theme import ThemeController
    from ui.worker import Worker

    services, worker = _locked_ana(world), Worker()
    startup = Startup(services, worker, ThemeController(qapp, "light"))
    try:
        with qtbot.waitSignal(startup.ready, timeout=20_000) as got:
            startup.begin()
        window = got.args[0]
        qtbot.addWidget(window)
        startup.hand_over("coterie://join#1.relay.secret.founder")
        dialogs = [d for d in window.findChildren(JoinDialog) if d.isVisible()]
        assert dialogs and dialogs[0].link_edit.text() == "coterie://join#1.relay.secret.founder"
        window.close()
    finally:
        worker.shutdown()
        services.close()


def test_run_gui_opens_the_window_and_closes_the_profile_on_exit(qapp, world: LiveWorld) -> None:
    from PySide6.QtCore import QTimer

    from app.errors import AppError
    from app.views import ConnectionState, ProfileState
    from ui.gui import run_gui
    from ui.main_window import MainWindow

    made: list[Services] = []
    seen: list[str] = []

    def make(path: Path) -> Services:
        assert path == world.profile_dir("Ana")
        made.append(_locked_ana(world))
        return made[-1]

    deadline = time.monotonic() + 20

    def live() -> bool:
        try:
            return made[0].connection().state is ConnectionState.ONLINE
        except AppError:  # not unlocked yet
            return False

    def close_when_shown() -> None:
        shown = [w for w in qapp.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        ready = bool(shown) and shown[0].sidebar.model.rowCount() > 0 and live()
        if ready or time.monotonic() > deadline:
            seen.append(shown[0].windowTitle() if ready else "")
            for w in shown:
                w.close()  # the last window: the app quits
            if not shown:
                qapp.quit()
            else:
                # a window another test left open in this process is not "last window
                # closed" material: end the loop anyway rather than wait forever
                QTimer.singleShot(5000, qapp.quit)
        else:
            QTimer.singleShot(20, close_when_shown)

    QTimer.singleShot(20, close_when_shown)
    saved = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    try:
        code = run_gui(profile_dir=str(world.profile_dir("Ana")), make_services=make)
    finally:
        signal.signal(signal.SIGINT, saved[0])
        signal.signal(signal.SIGTERM, saved[1])
    assert code == 0
    assert seen[0].endswith("— Coterie"), seen  # opened, synced live with the relay ...
    assert made[0].profile.state() is ProfileState.LOCKED  # ... and closed the profile
    assert (world.profile_dir("Ana") / "window.ini").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses SIGSTOP and /proc")
def test_a_stopped_dev_relay_is_replaced_by_the_next_run(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    port = _free_port()
    first = ensure_local_relay(port=port, timeout=30)
    assert first.process is not None
    os.kill(first.process.pid, signal.SIGSTOP)  # Ctrl-Z, or a hung relay: the port stays taken
    try:
        assert probe(first.url) == "none"
        second = ensure_local_relay(port=port, timeout=30)
        try:
            assert second.process is not None and second.process.pid != first.process.pid
            assert probe(second.url) == "relay"
            assert first.process.poll() is not None
        finally:
            second.stop()
    finally:
        if first.process.poll() is None:
            os.kill(first.process.pid, signal.SIGKILL)
            first.process.wait(5)


def test_the_relay_offered_at_start_becomes_the_profiles_default_relay(
        qtbot, qapp, tmp_path: Path) -> None:  # noqa: ANN001
    """`make run` offers its local relay: Settings, New group and the CLI then all use it."""
    from app.api import Services
    from tests.keyring_double import MemoryKeyring
    from ui.gui import Startup
    from ui.theme import ThemeController
    from ui.worker import Worker

    keyring = MemoryKeyring()
    services = Services(tmp_path / "profile", keyring_backend=keyring)
    services.profile.create("Ana")
    worker = Worker()
    startup = Startup(services, worker, ThemeController(qapp, "light"), "http://127.0.0.1:8765")
    try:
        with qtbot.waitSignal(startup.ready, timeout=15000) as got:
            startup.begin()
        got.args[0].close()
        assert services.settings.get().default_relay == "http://127.0.0.1:8765"
    finally:
        worker.shutdown()
        services.close()
