"""Fixtures for UI tests: one QApplication (pytest-qt), a worker, and Ana's real window over
the real services of the session's world (tests/ui/real_services.py): real stores in
tmp_path and a real relay on loopback."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from tests.ui import real_services, timeline_world
from tests.ui.real_services import LiveWorld
from ui.context import AppContext
from ui.events import EventBridge
from ui.theme import ThemeController
from ui.worker import Worker


@pytest.fixture
def worker(qapp: QApplication) -> Iterator[Worker]:
    w = Worker()
    yield w
    w.shutdown()


def settle(qtbot, worker: Worker, timeout: int = 5000) -> None:  # noqa: ANN001
    """Wait until every queued service call has answered and what its answer posted to the
    event queue has run: a marker posted behind them must have been handled, and no call
    queued meanwhile may be left."""
    while True:
        qtbot.waitUntil(lambda: worker.pending == 0, timeout=timeout)
        if _marker_handled(qtbot, timeout) and worker.pending == 0:
            return


def _marker_handled(qtbot, timeout: int) -> bool:  # noqa: ANN001
    """Post a marker behind everything queued so far and wait until it has run."""
    handled: list[bool] = []
    QTimer.singleShot(0, lambda: handled.append(True))
    qtbot.waitUntil(lambda: bool(handled), timeout=timeout)
    return True


def show_group(qtbot, window, gid: str, timeout: int = 30_000) -> None:  # noqa: ANN001
    """Select `gid` in `window` and wait until its timeline is loaded (the window opens on
    another group of the world, so waiting for any group would not be enough)."""
    qtbot.waitUntil(lambda: any(g.id == gid for g in window.groups), timeout=timeout)
    window.select_group(gid)
    qtbot.waitUntil(lambda: window.pane.group is not None and window.pane.group.id == gid
                    and not window.pane.model.loading, timeout=timeout)


@dataclass
class RealApp:
    """One profile's real services and main window, connected to `relay_url`."""

    services: object  # app.api.Services
    worker: Worker
    window: object  # ui.main_window.MainWindow
    relay_url: str
    profile: Path
    world: LiveWorld


@pytest.fixture
def real_app(qtbot, qapp: QApplication, world: LiveWorld) -> Iterator[RealApp]:  # noqa: ANN001
    """Ana's window over her real services in this test's copy of the world, live on its
    relay (her profile unlocks from the keyring: no Argon2id per test)."""
    from ui.main_window import MainWindow

    services = world.services("Ana")
    services.settings.update(default_relay=world.relay_url)
    worker = Worker()
    events = EventBridge(services)
    context = AppContext(services, worker, events, ThemeController(qapp, "light"),
                         world.relay_url)
    window = MainWindow(context)
    events.setParent(window)  # lives as long as the window, as in ui.gui
    window.destroyed.connect(events.detach)
    qtbot.addWidget(window)
    window.show()
    window.start()
    worker.run(services.start, None, lambda e: None, slow=True)
    try:
        yield RealApp(services, worker, window, world.relay_url, world.profile_dir("Ana"), world)
    finally:
        window.close()
        worker.shutdown()
        events.detach()  # the world closes the services


# Real worlds for window tests (real services, relay and stores; tests/ui/real_services.py),
# registered here so every module shares the one built per session. (Assigned rather than
# imported: fixtures taking `world` as a parameter would otherwise shadow an import.)
built_world = real_services.built_world
world = real_services.world
ana = real_services.ana
# People made once per session for the timeline tests (tests/ui/timeline_world.py).
made_profiles = timeline_world.made_profiles
people = timeline_world.people
