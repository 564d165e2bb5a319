"""Channels and threads in the desktop app, on a real store built in this run.

- channel_open_p99_ms_100k: a group of 100k posts spread over 20 channels; a click on a
  channel in the sidebar's tree of groups and channels to the first paint of its latest posts (100 runs
  after 5 discarded, alternating with another channel, the delegate's layout cache emptied
  before each). Ceiling: the facade's `posts.latest(group, 50, channel=...)` on the same
  store, called directly (what the click has to wait for at the least).
- thread_open_p99_ms: in that group, a thread of 500 replies opened in the side panel, to
  the first paint of its latest replies (same method). Ceiling: `posts.latest(group, 50,
  thread=root)` called directly.
- unread_counts_ms_50ch: the unread and mention counters of 50 channels across 10 groups
  as the sidebar asks for them (`channels.unread_counts`), p99 of 100. Ceiling: the same
  SELECT of the counters run on the store's own thread (no facade, no conversion).

The profile is built with the real services (passphrase protection, groups created
offline); channels are defined and posts bulk-loaded through the store's own methods, the
path inbound definitions and posts take.
"""
from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

from bench.bench_ui import PASSPHRASE, PaintClock, _spin_until
from bench.common import Row, latency_row, median, percentile

RUNS, DISCARD = 100, 5
POSTS, CHANNELS, REPLIES = 100_000, 20, 500
SMALL_GROUPS, SMALL_CHANNELS = 10, 4         # each with General: 50 channels


def build_profile(profile: Path) -> dict[str, object]:
    from app.api import Services
    from app.keys import KeyStore
    from app.store import GENERAL, NewPost, Store, order_key

    svc = Services(profile)
    svc.profile.create("Bench", PASSPHRASE)
    big = svc.groups.create("Spaces 100k", "http://127.0.0.1:9").id
    small = [svc.groups.create(f"Small {i}", "http://127.0.0.1:9").id
             for i in range(SMALL_GROUPS)]
    svc.close()
    store = Store.open(profile, KeyStore(profile).unlock(PASSPHRASE))
    rng = random.Random(11)
    words = ("tea book river thursday chapter idea draft meeting plan walk rain music "
             "garden light story coffee paper window market evening").split()
    senders = [(bytes([i + 1]) * 32, n) for i, n in enumerate(("Bea", "Chen", "Dara"))]
    now = int(time.time())
    try:
        gid = bytes.fromhex(big)
        channels = [GENERAL] + [bytes([0xC0, i]) + bytes(14) for i in range(1, CHANNELS)]
        for i, cid in enumerate(channels[1:], start=1):
            store.channels.apply_definition(gid, cid, "forum" if i % 4 == 0 else "chat",
                                            f"channel {i}", "", i, False, (), now, order_key(
                                                0, i, cid * 2), b"\x01" * 32)
        start = now - POSTS * 3
        batch: list[NewPost] = []
        root = gid + (0).to_bytes(16, "big")
        for i in range(POSTS):
            ik, who = senders[i % 3]
            text = " ".join(rng.choices(words, k=rng.randint(4, 28)))
            mid = gid + i.to_bytes(16, "big")
            thread = root if 0 < i <= REPLIES else None
            batch.append(NewPost(gid, mid, ik, who, start + i * 3, start + i * 3, i // 3,
                                 text=text, channel_id=channels[0 if thread else i % CHANNELS],
                                 thread_root=thread))
            if len(batch) == 5000:
                store.posts.insert_posts(batch)
                batch = []
        if batch:
            store.posts.insert_posts(batch)
        store.groups.update_group(gid, last_activity=start + POSTS * 3)
        for n, g in enumerate(small):
            sg = bytes.fromhex(g)
            for i in range(1, SMALL_CHANNELS + 1):
                cid = bytes([0xD0, n, i]) + bytes(13)
                store.channels.apply_definition(sg, cid, "chat", f"c{i}", "", i, False, (), now,
                                                order_key(0, i, cid * 2), b"\x01" * 32)
                store.posts.insert_posts([NewPost(sg, cid + bytes(16), senders[0][0], "Bea",
                                                  now - 50, now - 50, i, text="hi @Bench",
                                                  channel_id=cid)])
    finally:
        store.close()
    return {"big": big, "small": small, "root": root.hex(),
            "channels": [c.hex() for c in channels]}


def measure(profile: Path, ids: dict[str, object]) -> list[Row]:
    from PySide6.QtWidgets import QApplication

    from app.api import Services
    from ui.context import AppContext
    from ui.events import EventBridge
    from ui.main_window import MainWindow
    from ui.theme import ThemeController
    from ui.worker import Worker

    app = QApplication.instance() or QApplication([])
    svc = Services(profile)
    svc.profile.unlock(PASSPHRASE)
    worker = Worker()
    ctx = AppContext(svc, worker, EventBridge(svc), ThemeController(app, "light"))
    win = MainWindow(ctx)
    win.resize(1100, 720)
    win.show()
    win.start()
    big, root = str(ids["big"]), str(ids["root"])
    channels: list[str] = list(ids["channels"])  # type: ignore[arg-type]
    _spin_until(app, lambda: win.sidebar.model.rowCount() == 1 + SMALL_GROUPS
                and worker.pending == 0, timeout=60)
    win.select_group(big)
    _spin_until(app, lambda: len(win.sidebar.channels_of(big)) == CHANNELS
                and worker.pending == 0, timeout=60)
    pane = win.pane
    rows: list[Row] = []
    try:
        clock = PaintClock(pane.view, pane.model)

        def open_channel(cid: str) -> float:
            pane.delegate.clear_cache()
            clock.arm(big, lambda: pane.model.channel_id == cid and not pane.model.loading)
            t0 = time.perf_counter()
            win.sidebar.select_channel(big, cid)
            _spin_until(app, lambda: clock.painted_at is not None)
            return (clock.painted_at - t0) * 1000  # type: ignore[operator]

        target, other = channels[7], channels[3]
        samples = []
        for _ in range(RUNS + DISCARD):
            open_channel(other)
            samples.append(open_channel(target))
        ceiling = _direct(lambda: svc.posts.latest(big, 50, channel=target))
        rows.append(latency_row(
            "channel_open_p99_ms_100k", percentile(samples[DISCARD:], 99), ceiling, "ms",
            f"median {median(samples[DISCARD:]):.1f} ms; 100k posts over 20 channels; "
            "target <= 50 ms; ceiling = facade latest(50, channel) p99"))

        panel = pane.thread_panel
        thread_clock = PaintClock(panel.view, panel.model)
        root_view = svc.threads.root(big, root)

        def open_thread() -> float:
            panel.close_thread()
            panel.delegate.clear_cache()
            thread_clock.arm(big, lambda: panel.model.thread_id == root
                             and not panel.model.loading)
            t0 = time.perf_counter()
            pane.open_thread(root_view)
            _spin_until(app, lambda: thread_clock.painted_at is not None)
            return (thread_clock.painted_at - t0) * 1000  # type: ignore[operator]

        samples = [open_thread() for _ in range(RUNS + DISCARD)]
        ceiling = _direct(lambda: svc.posts.latest(big, 50, thread=root))
        rows.append(latency_row(
            "thread_open_p99_ms", percentile(samples[DISCARD:], 99), ceiling, "ms",
            f"median {median(samples[DISCARD:]):.1f} ms; 500 replies, latest 50 painted; "
            "target <= 50 ms; ceiling = facade latest(50, thread) p99"))

        groups = list(ids["small"])  # type: ignore[call-overload]
        counts = svc.channels.unread_counts(groups)
        assert sum(len(v) for v in counts.values()) == 50
        store = svc._access.runtime().store
        raw = [bytes.fromhex(g) for g in groups]
        marks = ",".join("?" * len(raw))
        sql = (f"SELECT group_id, id, unread, mentions, muted FROM channels "
               f"WHERE group_id IN ({marks}) AND defined = 1")
        ours = _direct(lambda: svc.channels.unread_counts(groups))
        ceiling = _direct(lambda: store.run(lambda s: s._db().execute(sql, raw).fetchall()))
        rows.append(latency_row(
            "unread_counts_ms_50ch", ours, ceiling, "ms",
            "50 channels across 10 groups, p99 of 100; target <= 5 ms; ceiling = the same "
            "SELECT on the store thread"))
    finally:
        win.close()
        ctx.events.detach()
        worker.shutdown()
        svc.close()
    return rows


def _direct(call) -> float:  # noqa: ANN001
    samples = []
    for _ in range(RUNS + DISCARD):
        t0 = time.perf_counter()
        call()
        samples.append((time.perf_counter() - t0) * 1000)
    return percentile(samples[DISCARD:], 99)


def run() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="coterie-bench-spaces-") as tmp:
        profile = Path(tmp) / "profile"
        ids = build_profile(profile)
        return measure(profile, ids)
