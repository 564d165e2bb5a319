"""Real people for the timeline tests: profiles with real services and SQLCipher stores in
tmp_path, a real relay on loopback, and the real main window over those services.

Profiles keep their store key in an in-process keyring, so no test pays Argon2id; the
rest (crypto, store, sync, relay) is what the app runs. Other people act through their
services (`sync_once`), the person under test through the window.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from app.api import Services
from relay.testing import RelayThread
from tests.keyring_double import MemoryKeyring
from ui.context import AppContext
from ui.events import EventBridge
from ui.main_window import MainWindow
from ui.theme import ThemeController
from ui.worker import Worker

WAIT = 20_000  # ms: the relay and the stores are real


@dataclass
class Person:
    name: str
    services: Services
    worker: Worker | None = None
    window: MainWindow | None = None

    @property
    def fingerprint(self) -> str:
        return self.services.profile.me().fingerprint


@dataclass
class World:
    tmp: Path
    relay_url: str
    keyring: MemoryKeyring = field(default_factory=MemoryKeyring)
    people: list[Person] = field(default_factory=list)

    def person(self, name: str, folder: str | None = None) -> Person:
        services = Services(self.tmp / (folder or name), keyring_backend=self.keyring)
        services.profile.create(name)
        who = Person(name, services)
        self.people.append(who)
        return who

    def group(self, admin: Person, name: str, *members: Person) -> str:
        """`admin` founds a group on the relay and admits each member; returns its id."""
        gid = admin.services.groups.create(name, self.relay_url).id
        for member in members:
            self.admit(admin, gid, member)
        return gid

    def admit(self, admin: Person, gid: str, member: Person) -> None:
        link = admin.services.invites.create(gid).link
        admin.services.sync_once()
        member.services.invites.join(link)
        member.services.sync_once()
        assert admin.services.sync_once().admitted == 1
        assert member.services.sync_once().joined == (gid,)
        admin.services.sync_once()

    def open_window(self, qtbot, qapp: QApplication, who: Person,  # noqa: ANN001
                    theme: str = "light") -> MainWindow:
        """Who's main window, built as the app builds it after unlocking (no live sync:
        tests move messages with `sync_once`, so each step is deterministic)."""
        worker = Worker()
        controller = ThemeController(qapp, theme)
        events = EventBridge(who.services)
        ctx = AppContext(who.services, worker, events, controller, self.relay_url)
        window = MainWindow(ctx)
        events.setParent(window)
        qtbot.addWidget(window)
        window.resize(1000, 700)
        window.show()
        window.start()
        who.worker, who.window = worker, window
        return window

    def close(self) -> None:
        for who in self.people:
            if who.window is not None:
                who.window.close()
            if who.worker is not None:
                who.worker.shutdown()
            who.services.close()


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with RelayThread(tmp_path / "relay") as relay:
        w = World(tmp_path, relay.url)
        try:
            yield w
        finally:
            w.close()


def settle(qtbot, who: Person, timeout: int = WAIT) -> None:  # noqa: ANN001
    """Wait until every service call the window queued has answered and been handled."""
    assert who.worker is not None
    qtbot.waitUntil(lambda: who.worker.pending == 0, timeout=timeout)


def open_group(qtbot, who: Person, gid: str) -> None:  # noqa: ANN001
    """Select the group in who's sidebar and wait for its timeline."""
    window = who.window
    assert window is not None
    qtbot.waitUntil(lambda: any(g.id == gid for g in window.groups), timeout=WAIT)
    window.select_group(gid)
    qtbot.waitUntil(lambda: window.pane.group is not None and window.pane.group.id == gid
                    and not window.pane.model.loading, timeout=WAIT)
    settle(qtbot, who)


def rows(who: Person) -> list:
    model = who.window.pane.model  # type: ignore[union-attr]
    return [model.post_at(r) for r in range(model.rowCount())]


def posts(who: Person) -> list:
    """The timeline's post rows (without membership notes and warnings)."""
    return [p for p in rows(who) if p.kind == "post"]
