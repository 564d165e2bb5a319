"""Fixtures for UI tests: one QApplication (pytest-qt), the facade fake, a context."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
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
    """Wait until every queued service call has answered and its signals were handled."""
    qtbot.waitUntil(lambda: worker.pending == 0, timeout=timeout)
    qtbot.wait(10)


# Real worlds for window tests (real services, relay and stores; tests/ui/real_services.py),
# registered here so every module shares the one built per session.
from tests.ui.real_services import ana, built_world, world  # noqa: E402, F401, I001
