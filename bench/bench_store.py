"""The encrypted store against plain sqlite3 on the same workload, in the same run.

- store_ingest_vs_sqlite: posts stored per second (batches of 500, FTS rows included) through
  `store.posts.insert_posts` on SQLCipher, beside the same SQL statements on plain sqlite3 with
  the same schema and pragmas (the ceiling). Target ratio >= 0.67.
- search_p95_ms_100k: ranked top-20 `store.search.find` on 100k posts (p95 over a fixed mix of
  common, rare and prefix queries); ceiling: the same FTS5 query on plain sqlite3.
- store_unlock_passphrase_ms: Argon2id MODERATE unwrap + open (target <= 1 s).
- page_latest50_ms_100k: `store.posts.latest_posts(group, 50)` in a group of 100k posts (p99 of
  100 runs, first 5 discarded); ceiling: a plain SELECT of those 50 rows in sqlite3.

Every figure is measured on databases built in this run in a fresh temp directory (nothing
cached between runs). The corpus is deterministic: Zipf-distributed words from a generated
vocabulary, with a share of accented words so the diacritics folding does real work.
"""
from __future__ import annotations

import os
import random
import sqlite3
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlcipher3
from keyring.backends import null

from app.keys import KeyStore
from app.store import GroupRecord, NewPost, Store, search
from app.store import posts as store_posts
from app.store.db import migrations
from bench.common import Row, best_rate, latency_row, median, percentile, rate_row

GROUP = b"\x10" * 16
BATCH = 500
INGEST_POSTS = 20_000
CORPUS = 100_000
CORPUS_BATCH = 5000  # building the search corpus is set-up, not the measured ingest


def vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    onsets = ["b", "c", "d", "f", "g", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "ch",
              "st", "tr"]
    vowels = ["a", "e", "i", "o", "u", "é", "è", "ü", "ö", "a", "e", "o"]
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(onsets) + rng.choice(vowels)
                          for _ in range(rng.randint(1, 4))))
    return sorted(words)


def make_posts(n: int, seed: int = 7, start: int = 0) -> list[NewPost]:
    rng = random.Random(seed)
    words = vocabulary(rng)
    weights = [1 / (rank + 1) for rank in range(len(words))]
    posts = []
    for i in range(start, start + n):
        text = " ".join(rng.choices(words, weights, k=rng.randint(6, 30)))
        posts.append(NewPost(GROUP, i.to_bytes(12, "big"), b"S" * 32, "Sender", 1_700_000_000 + i,
                             1_700_000_000 + i, i, text=text))
    return posts


# -- plain sqlite3: the same schema and the same statements the store runs ----------------------
LATEST_SQL = (f"SELECT {store_posts.POST_COLS} FROM posts p WHERE p.group_id = ? "
              "ORDER BY p.sent_time DESC, p.seq DESC, p.id DESC LIMIT ?")
REACTIONS_SQL = ("SELECT target, reactor_ik, emoji, time FROM reactions "
                 "WHERE group_id = ? AND target IN ({marks}) ORDER BY time, emoji")


class PlainStore:
    """The store's schema and statements on a connection of `module` (plain sqlite3 or an
    unkeyed sqlcipher3, which isolates the cost of encryption from the library build)."""

    def __init__(self, path: Path, module: Any = sqlite3) -> None:
        self.conn = module.connect(str(path), isolation_level=None)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.execute("PRAGMA temp_store = MEMORY")
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute("PRAGMA secure_delete = FAST")
        for step in migrations():
            self.conn.executescript(f"BEGIN;\n{step.sql}\nCOMMIT;")
        self.conn.execute("INSERT INTO groups VALUES (?, 'bench', 'https://r', 'admin', x'', 0, 0, "
                          "0, 0, 0)", (GROUP,))

    def insert_posts(self, posts: list[NewPost]) -> None:
        c = self.conn
        c.execute("BEGIN IMMEDIATE")
        ids = [p.msg_id for p in posts]
        marks = ",".join("?" * len(ids))
        known = {r[0] for r in c.execute(
            f"SELECT msg_id FROM posts WHERE group_id = ? AND msg_id IN ({marks})", (GROUP, *ids))}
        fresh = [p for p in posts if p.msg_id not in known]
        top = c.execute("SELECT coalesce(max(id), 0) FROM posts").fetchone()[0]
        c.executemany(
            "INSERT INTO posts (group_id, msg_id, sender_ik, sender_name, sent_time, received_time, "
            "seq, kind, text, reply_to, raw, mine) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(p.group_id, p.msg_id, p.sender_ik, p.sender_name, p.sent_time, p.received_time,
              p.seq, p.kind, p.text, p.reply_to, p.raw, int(p.mine)) for p in fresh])
        c.execute(store_posts._INDEX_NEW, (top,))   # the search rows, as the store feeds them
        c.execute("UPDATE groups SET unread = unread + ?, last_activity = max(last_activity, ?) "
                  "WHERE id = ?", (len(fresh), max(p.sent_time for p in fresh), GROUP))
        c.execute("SELECT NOT EXISTS (SELECT 1 FROM pending_changes)").fetchone()
        c.execute("COMMIT")

    def search(self, query: str) -> list[str]:
        """The store's own search SQL and snippet code, minus the owner-thread hop."""
        match = search.match_expression(query)
        if match is None:
            return []
        rows = self.conn.execute(
            search._RANKED.format(window=search._WINDOW),
            {"match": match, "window": search.RANK_WINDOW, "limit": 20}).fetchall()
        phrases = search._phrases(query)
        return [search.snippet(r[6] or "", phrases) for r in rows]

    def latest50(self) -> list[tuple]:
        """The store's latest-page statements: the same columns (sending flag included), the
        same order on the same posts_page index, one more row than shown to learn whether
        there is more, then the reactions of those rows; minus the owner-thread hop and the
        row objects."""
        rows = self.conn.execute(LATEST_SQL, (GROUP, 51)).fetchall()
        ids = [r[2] for r in rows[:50]]
        marks = ",".join("?" * len(ids))
        self.conn.execute(REACTIONS_SQL.format(marks=marks), (GROUP, *ids)).fetchall()
        return rows[:50]

    def plan(self, sql: str, params: tuple) -> str:
        return " / ".join(r[-1] for r in self.conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))

    def close(self) -> None:
        self.conn.close()


def open_store(root: Path) -> Store:
    profile = Path(tempfile.mkdtemp(dir=root))
    store = Store.open(profile, os.urandom(32))
    store.groups.add_group(GroupRecord(GROUP, "bench", "https://r", "admin", b"", 0, 0))
    return store


def open_plain(root: Path, module: Any = sqlite3) -> PlainStore:
    return PlainStore(Path(tempfile.mkdtemp(dir=root)) / "plain.db", module)


def fill(insert: Callable[[list[NewPost]], object], posts: list[NewPost],
         batch: int = BATCH) -> None:
    for i in range(0, len(posts), batch):
        insert(posts[i:i + batch])


def ingest_rows(root: Path) -> list[Row]:
    posts = make_posts(INGEST_POSTS)

    def ours() -> int:
        store = open_store(root)
        try:
            fill(store.posts.insert_posts, posts)
        finally:
            store.close()
        return len(posts)

    def plain(module: Any) -> Callable[[], int]:
        def work() -> int:
            db = open_plain(root, module)
            try:
                fill(db.insert_posts, posts)
            finally:
                db.close()
            return len(posts)

        return work

    # interleaved rounds, best of each: load drift on a shared machine hits all three alike
    ceiling = unkeyed = rate = 0.0
    for _ in range(3):
        ceiling = max(ceiling, best_rate(plain(sqlite3), repeats=1))
        unkeyed = max(unkeyed, best_rate(plain(sqlcipher3), repeats=1))
        rate = max(rate, best_rate(ours, repeats=1))
    return [
        rate_row("store_ingest_vs_sqlite", rate, ceiling, "posts/s",
                 f"{INGEST_POSTS} posts, batches of {BATCH}, FTS5; SQLCipher store / plain "
                 f"sqlite3 {sqlite3.sqlite_version}"),
        rate_row("store_ingest_vs_sqlcipher_unkeyed", rate, unkeyed, "posts/s",
                 f"same, ceiling = the same SQL on sqlcipher3's own SQLite "
                 f"{sqlcipher3.sqlite_version} without a key: the cost of encryption alone"),
    ]


def queries(posts: list[NewPost]) -> list[str]:
    rng = random.Random(11)
    counts = Counter(w for p in posts[:5000] for w in (p.text or "").split())
    common = [w for w, _ in counts.most_common()]
    picks = []
    for _ in range(100):
        kind = rng.random()
        if kind < 0.3:
            picks.append(rng.choice(common[:20]))                       # very common word
        elif kind < 0.6:
            picks.append(rng.choice(common[200:2000]))                  # rarer word
        elif kind < 0.8:
            picks.append(rng.choice(common[:500])[:3])                  # prefix as typed
        else:
            picks.append(" ".join(rng.sample(common[:300], 2)))         # two words
    return picks


def timed(fn: Callable[[], object], runs: int, discard: int = 5) -> list[float]:
    samples = []
    for i in range(runs + discard):
        start = time.perf_counter()
        fn()
        if i >= discard:
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def corpus_rows(root: Path) -> list[Row]:
    posts = make_posts(CORPUS, seed=13)
    qs = queries(posts)
    store = open_store(root)
    plain = open_plain(root)
    try:
        fill(store.posts.insert_posts, posts, CORPUS_BATCH)
        fill(plain.insert_posts, posts, CORPUS_BATCH)
        ours_search = [s for q in qs for s in timed(lambda q=q: store.search.find(q), 1, 0)]
        plain_search = [s for q in qs for s in timed(lambda q=q: plain.search(q), 1, 0)]
        ours_page = timed(lambda: store.posts.latest_posts(GROUP, 50), 100)
        plain_page = timed(plain.latest50, 100)
        plan = plain.plan(LATEST_SQL, (GROUP, 51))
        # The ceiling must be the store's query on the store's index, not a sort.
        assert "posts_page" in plan and "TEMP B-TREE" not in plan, plan
    finally:
        store.close()
        plain.close()
    return [
        latency_row("search_p95_ms_100k", percentile(ours_search, 95),
                    percentile(plain_search, 95), "ms",
                    "ranked top-20 with snippets, 100 mixed queries; ceiling = plain sqlite3"),
        latency_row("page_latest50_ms_100k", percentile(ours_page, 99),
                    percentile(plain_page, 99), "ms",
                    "p99 of 100 (5 discarded), with reactions + sending flag; ceiling = the same "
                    "statements on plain sqlite3 (posts_page index, no sort)"),
    ]


def unlock_rows(root: Path) -> list[Row]:
    """Passphrase unlock (Argon2id MODERATE) plus opening the store, as the app does it."""
    profile = root / "unlock"
    setup = KeyStore(profile, null.Keyring()).setup("bench passphrase")
    Store.open(profile, setup.key).close()

    def unlock() -> None:
        key = KeyStore(profile, null.Keyring()).unlock("bench passphrase")
        Store.open(profile, key).close()

    samples = timed(unlock, 3, discard=0)
    return [latency_row("store_unlock_passphrase_ms", median(samples), None, "ms",
                        "Argon2id MODERATE unwrap + SQLCipher open (raw key), median of 3; "
                        "target <= 1000")]


def run() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="coterie-bench-store-") as tmp:
        root = Path(tmp)
        return ingest_rows(root) + corpus_rows(root) + unlock_rows(root)


if __name__ == "__main__":
    from bench.common import format_table

    print(format_table(run()))
