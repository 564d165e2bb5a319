"""Real worlds for window tests: real `Services`, real SQLCipher stores, a real relay.

Building a world costs Argon2id (one recovery wrap per person) and many relay round
trips, so it is built once per test session and then copied: every test gets its own copy
of each profile directory and of the relay's data directory, and its own relay serving
that copy on the port the world was built with (the groups' relay address names that
port). A test can change its world freely; the next test starts from the same snapshot.

The world, as Ana sees it:

- "Book club": Ana is the founder and admin; Bea joined with a single-use invite;
  a few posts from both, one reply, one reaction, one edit; Eve asks to join through a
  two-use invite and waits for approval.
- "Climbing Tuesdays": Bea's group; Ana is a member.
- "Family": Bea's group; Ana is a member and has muted it.
- "Research team": Bea's group; Bea removed Ana, who can still read it.
- "Long": Bea's group of `LONG_POSTS` posts, for paging and scrolling.

Everyone's store key sits in an in-memory keyring (`MemoryKeyring`, which behaves as
an OS keyring does; each test gets its own copy), so opening a copy needs no Argon2id.

Where a test needs a fault (a full disk, a refused call), `inject_fault` makes one call of
one capability fail; everything else stays real. A relay that is down is the real one
stopped (`world.relay.stop()`); a keyring that fails is the double with `locked = True`.
"""
from __future__ import annotations

import inspect
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import pytest
from PySide6.QtWidgets import QApplication

from app.api import Services
from app.views import ConnectionState
from relay.config import Limits
from relay.testing import RelayThread
from tests.keyring_double import MemoryKeyring
from ui.context import AppContext
from ui.events import EventBridge
from ui.main_window import MainWindow
from ui.theme import ThemeController
from ui.worker import Worker

PEOPLE = ("Ana", "Bea", "Eve")
WAIT = 20_000  # ms: the relay, the stores and the sync threads are real
LONG_POSTS = 300
# Every test talks to the relay from 127.0.0.1: the per-client budgets meant for the
# internet would make later tests wait for earlier tests' tokens.
TEST_LIMITS = Limits(rate_per_second=100_000, rate_burst=100_000, create_per_minute=100_000,
                     create_burst=100_000, max_streams_per_client=1_000)


class BuildClock:
    """The clock of the people while the world is built: a little in the past, so anything
    a test writes later sorts after it, and stepped, so the world's posts have one order.
    (The relay accepts proofs up to two minutes off its own clock.)"""

    def __init__(self) -> None:
        self.offset = -90.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def step(self) -> None:
        self.offset += 2.0


@dataclass
class World:
    """A built world on disk: the snapshot every test copies."""

    root: Path
    port: int
    keyring: MemoryKeyring
    groups: dict[str, str] = field(default_factory=dict)      # name -> group id
    posts: dict[str, str] = field(default_factory=dict)       # label -> post id
    long_ids: list[str] = field(default_factory=list)         # "Long", oldest first

    @property
    def relay_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _sync(*people: Services) -> None:
    for svc in people:
        report = svc.sync_once(timeout=30.0)
        assert not report.offline and not report.warnings[1:], report


def _build(root: Path) -> World:
    """Build the world in a few sync rounds (each `sync_once` is a full relay round trip)."""
    keyring = MemoryKeyring()
    clock = BuildClock()
    ana, bea, eve = (Services(root / "profiles" / name, keyring_backend=keyring, clock=clock)
                     for name in PEOPLE)
    # One Argon2id run each (the recovery wrap). Eve's runs while the others wait on the
    # relay; two at once on a loaded machine are slower than one after the other.
    eve_made = threading.Thread(target=eve.profile.create, args=("Eve",))
    ana.profile.create("Ana")
    bea.profile.create("Bea")
    eve_made.start()
    relay = RelayThread(root / "relay", limits=TEST_LIMITS)
    relay.start()
    world = World(root, relay.port, keyring)
    g, p = world.groups, world.posts
    try:
        # founders and single-use invites (admitted as soon as the admin syncs)
        links: dict[str, str] = {}
        for name in ("Long", "Research team", "Family", "Climbing Tuesdays"):
            g[name] = bea.groups.create(name, relay.url).id
            links[name] = bea.invites.create(g[name], uses=1).link
        club = g["Book club"] = ana.groups.create("Book club", relay.url).id
        links["Book club"] = ana.invites.create(club, uses=1).link
        _sync(bea, ana)
        for name, link in links.items():
            (bea if name == "Book club" else ana).invites.join(link)
        _sync(ana, bea, ana, bea)
        assert len(ana.groups.list()) == len(bea.groups.list()) == 5

        # posts, in the order the timeline shows them
        clock.step()
        world.long_ids = [bea.posts.post(g["Long"], f"message number {i}").id
                          for i in range(LONG_POSTS)]
        bea.posts.post(g["Research team"], "Draft is in the shared folder")
        bea.posts.post(g["Family"], "Sunday lunch at ours")
        bea.posts.post(g["Climbing Tuesdays"], "Gym at 7? Bring chalk.")
        p["question"] = bea.posts.post(club, "Has everyone started *The Left Hand of Darkness*?").id
        clock.step()
        p["chapter"] = ana.posts.post(club, "Just finished chapter 3 — loving it so far.").id
        clock.step()
        p["thursday"] = bea.posts.post(club, "Shall we meet on Thursday?").id
        clock.step()
        p["tea"] = bea.posts.post(club, "Thursday works. I'll bring tee.").id
        _sync(bea, ana)

        # changes to them; a removal; an invite that needs approval
        clock.step()
        bea.posts.edit(club, p["tea"], "Thursday works. I'll bring tea.\n\nAgenda:\n- chapters 4–7")
        ana.posts.react(club, p["thursday"], "❤️")
        p["reply"] = ana.posts.reply(club, p["question"], "Count me in! Same café as last time?").id
        ana.groups.set_muted(g["Family"], True)
        eve_link = ana.invites.create(club, uses=2).link
        _sync(bea, ana)

        clock.step()
        p["river"] = bea.posts.post(club, "Yes — the one by the river.").id
        # after Bea has everything Ana sent there (a message in flight from someone just
        # removed is dropped with a warning)
        bea.groups.remove_member(g["Research team"], "Ana")
        _sync(bea)
        eve_made.join()
        eve.invites.join(eve_link)
        _sync(eve, ana)
        assert ana.invites.requests(club) and ana.groups.get(g["Research team"]).status == "removed"
        ana.groups.mark_read(club)
    finally:
        eve_made.join()
        for svc in (ana, bea, eve):
            svc.close()
        relay.close()
    return world


@pytest.fixture(scope="session")
def built_world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return _build(tmp_path_factory.mktemp("world"))


class LiveWorld:
    """One test's copy of the world: its relay runs and profiles open on demand."""

    def __init__(self, snapshot: World, root: Path) -> None:
        shutil.copytree(snapshot.root, root)
        self.snapshot = snapshot
        self.root = root
        self.groups = dict(snapshot.groups)
        self.posts = dict(snapshot.posts)
        self.long_ids = list(snapshot.long_ids)
        self.relay = RelayThread(root / "relay", port=snapshot.port, limits=TEST_LIMITS)
        self.relay.start()
        # Its own keyring, holding what the snapshot's holds: a test may move a key out.
        self.keyring = MemoryKeyring()
        self.keyring.entries.update(snapshot.keyring.entries)
        self._open: dict[str, Services] = {}

    @property
    def relay_url(self) -> str:
        return self.snapshot.relay_url

    def profile_dir(self, name: str) -> Path:
        return self.root / "profiles" / name

    def services(self, name: str) -> Services:
        """`name`'s profile, unlocked (from the keyring, as a later app start does)."""
        if name not in self._open:
            svc = Services(self.profile_dir(name), keyring_backend=self.keyring)
            svc.profile.unlock()
            self._open[name] = svc
        return self._open[name]

    def close(self) -> None:
        for svc in self._open.values():
            svc.close()
        self._open.clear()
        self.relay.close()


@pytest.fixture
def world(built_world: World, tmp_path: Path) -> Iterator[LiveWorld]:
    live = LiveWorld(built_world, tmp_path / "world")
    try:
        yield live
    finally:
        live.close()


@dataclass
class App:
    """One person's main window over their real services, as `ui.gui.Startup` builds it."""

    world: LiveWorld
    services: Services
    worker: Worker
    ctx: AppContext
    window: MainWindow

    def go_live(self, qtbot) -> None:  # noqa: ANN001
        """Start live sync (as the app does after unlocking) and wait until it is online."""
        self.worker.run(self.services.start, None, lambda e: None, slow=True)
        qtbot.waitUntil(lambda: self.services.connection().state is ConnectionState.ONLINE,
                        timeout=WAIT)


def open_app(qtbot, qapp: QApplication, world: LiveWorld, name: str) -> App:  # noqa: ANN001
    services = world.services(name)
    worker = Worker()
    events = EventBridge(services)
    ctx = AppContext(services, worker, events, ThemeController(qapp, "light"), world.relay_url)
    window = MainWindow(ctx)
    events.setParent(window)  # as in ui.gui: the bridge lives as long as the window
    window.destroyed.connect(events.detach)
    qtbot.addWidget(window)
    window.resize(1000, 700)
    window.show()
    window.start()
    return App(world, services, worker, ctx, window)


def close_app(app: App) -> None:
    app.window.close()
    app.worker.shutdown()
    app.ctx.events.detach()


@pytest.fixture
def ana(qtbot, qapp: QApplication, world: LiveWorld) -> Iterator[App]:  # noqa: ANN001
    """Ana's window with "Book club" open (no live sync until a test asks for it)."""
    app = open_app(qtbot, qapp, world, "Ana")
    try:
        qtbot.waitUntil(lambda: bool(app.window.groups), timeout=WAIT)
        app.window.select_group(world.groups["Book club"])
        qtbot.waitUntil(lambda: app.window.pane.group is not None
                        and app.window.pane.group.name == "Book club"
                        and app.window.pane.model.rowCount() > 0
                        and app.worker.pending == 0, timeout=WAIT)
        yield app
    finally:
        close_app(app)


class FailingCall:
    """One capability of the real services (`services.posts`, ...) with one call made to
    fail, as it fails for real (a full disk, a relay that refuses). Every other call goes to
    the real capability, and the failing call still checks its arguments against the real
    one's signature, so a window that calls it wrongly fails as it would for real."""

    def __init__(self, real: object, name: str, error: Exception) -> None:
        self.real = real
        self.name = name
        self.error = error
        self.calls = 0
        self._signature = inspect.signature(getattr(real, name))

    def __getattr__(self, attr: str) -> object:
        if attr == self.name:
            return self._fail
        return getattr(self.real, attr)

    def _fail(self, *args: object, **kwargs: object) -> NoReturn:
        self._signature.bind(*args, **kwargs)  # TypeError, as the real call would raise
        self.calls += 1
        raise self.error


def inject_fault(services: Services, capability: str, call: str,
                 error: Exception) -> FailingCall:
    """Make `services.<capability>.<call>` raise `error`; returns the wrapper."""
    wrapper = FailingCall(getattr(services, capability), call, error)
    setattr(services, capability, wrapper)
    return wrapper
