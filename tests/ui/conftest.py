"""Fixtures for UI tests: one QApplication (pytest-qt), the facade fake, a context, and a
real window over real services, a real relay on loopback and a real store in tmp_path."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.views import ProfileState
from tests.ui.demo import populate
from tests.ui.fakes import FakeServices
from ui.context import AppContext
from ui.events import EventBridge
from ui.theme import ThemeController
from ui.worker import Worker


@pytest.fixture
def fake() -> FakeServices:
    return FakeServices(state=ProfileState.UNLOCKED)


@pytest.fixture
def demo(fake: FakeServices) -> dict[str, str]:
    return populate(fake)


@pytest.fixture
def worker(qapp: QApplication) -> Iterator[Worker]:
    w = Worker()
    yield w
    w.shutdown()


@pytest.fixture
def ctx(qapp: QApplication, fake: FakeServices, worker: Worker) -> Iterator[AppContext]:
    theme = ThemeController(qapp, "light")
    events = EventBridge(fake)  # type: ignore[arg-type]
    context = AppContext(fake, worker, events, theme, "http://127.0.0.1:8765")  # type: ignore[arg-type]
    yield context
    events.detach()


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


@dataclass
class RealApp:
    """One profile's real services and main window, connected to `relay_url`."""

    services: object  # app.api.Services
    worker: Worker
    window: object  # ui.main_window.MainWindow
    relay_url: str
    profile: Path


def open_real_app(qtbot, qapp: QApplication, profile: Path, name: str,  # noqa: ANN001
                  relay_url: str, theme: str = "light") -> RealApp:
    """A profile created with the real services and its main window, started."""
    from app.api import Services
    from ui.main_window import MainWindow

    services = Services(profile)
    services.profile.create(name, f"{name} keeps a long enough passphrase")
    services.settings.update(default_relay=relay_url)
    worker = Worker()
    events = EventBridge(services)
    context = AppContext(services, worker, events, ThemeController(qapp, theme), relay_url)
    window = MainWindow(context)
    events.setParent(window)  # lives as long as the window, as in ui.gui
    window.destroyed.connect(events.detach)
    qtbot.addWidget(window)
    window.show()
    window.start()
    worker.run(services.start, None, lambda e: None, slow=True)
    return RealApp(services, worker, window, relay_url, profile)


def close_real_app(app: RealApp) -> None:
    app.window.close()  # type: ignore[attr-defined]
    app.worker.run(app.services.close, None, lambda e: None, slow=True)  # type: ignore[attr-defined]
    app.worker.shutdown()


@pytest.fixture
def real_app(qtbot, qapp, tmp_path) -> Iterator[RealApp]:  # noqa: ANN001
    """Ana's window over the real services, with a real relay on loopback."""
    from relay.testing import RelayThread

    with RelayThread(tmp_path / "relay") as relay:
        app = open_real_app(qtbot, qapp, tmp_path / "ana", "Ana", relay.url)
        try:
            yield app
        finally:
            close_real_app(app)


# Real worlds for window tests (real services, relay and stores; tests/ui/real_services.py),
# registered here so every module shares the one built per session.
from tests.ui.real_services import ana, built_world, world  # noqa: E402, F401, I001
