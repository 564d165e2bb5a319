"""Real people for the timeline tests: profiles with real services and SQLCipher stores in
tmp_path, a real relay on loopback, and the real main window over those services.

Each person (a name in a profile folder) is created once per session, which costs one
Argon2id run (the recovery wrap); every test that asks for them gets its own copy of that
profile, which unlocks from an in-process keyring without Argon2id. Two folders are two
people, even under one name. The rest (crypto, store, sync, relay) is what the app runs,
with a relay of the test's own. Other people act through their services (`sync_once`),
the person under test through the window.
"""
from __future__ import annotations

import shutil
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


class Profiles:
    """The session's made profiles, one per (name, folder), each made on first use."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.keyring = MemoryKeyring()
        self.made: dict[tuple[str, str], Path] = {}

    def copy(self, name: str, folder: str, dest: Path, keyring: MemoryKeyring) -> None:
        """Copy `name`'s profile from `folder` to `dest`, its key into `keyring`."""
        source = self.made.get((name, folder))
        if source is None:
            source = self.root / str(len(self.made))
            made = Services(source, keyring_backend=self.keyring)
            try:
                made.profile.create(name)
            finally:
                made.close()
            self.made[(name, folder)] = source
        shutil.copytree(source, dest)
        keyring.entries.update(self.keyring.entries)


@pytest.fixture(scope="session")
def made_profiles(tmp_path_factory: pytest.TempPathFactory) -> Profiles:
    return Profiles(tmp_path_factory.mktemp("timeline-profiles"))


@dataclass
class People:
    tmp: Path
    relay_url: str
    profiles: Profiles
    keyring: MemoryKeyring = field(default_factory=MemoryKeyring)
    everyone: list[Person] = field(default_factory=list)

    def person(self, name: str, folder: str | None = None) -> Person:
        """`name`, unlocked, in a profile of this test's own (`folder` names another
        person of the same name)."""
        where = self.tmp / (folder or name)
        self.profiles.copy(name, folder or name, where, self.keyring)
        services = Services(where, keyring_backend=self.keyring)
        services.profile.unlock()
        who = Person(name, services)
        self.everyone.append(who)
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
        for who in self.everyone:
            if who.window is not None:
                who.window.close()
            if who.worker is not None:
                who.worker.shutdown()
            who.services.close()


@pytest.fixture
def people(tmp_path: Path, made_profiles: Profiles) -> Iterator[People]:
    with RelayThread(tmp_path / "relay") as relay:
        w = People(tmp_path, relay.url, made_profiles)
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
