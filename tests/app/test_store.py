"""The encrypted store: rows in and out, paging, post changes, threading, transactions."""
from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path

import pytest

from app.errors import AppError
from app.store import (
    ControlEntry,
    Epoch,
    GroupRecord,
    Invite,
    JoinRequest,
    Member,
    MyJoin,
    NewOutbox,
    NewPost,
    NotStored,
    PageKey,
    Store,
    StoreClosed,
    StoreError,
)

G1 = b"\x01" * 16
G2 = b"\x02" * 16
ANA = b"A" * 32
BO = b"B" * 32
ME = b"M" * 32


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path, os.urandom(32))
    s.groups.add_group(GroupRecord(G1, "Family", "https://relay.test", "admin", b"state-1", 10, 10))
    s.groups.add_group(GroupRecord(G2, "Book club", "https://relay.test", "member", b"state-2", 20, 20))
    yield s
    s.close()


def post(n: int, group: bytes = G1, sender: bytes = ANA, text: str | None = None,
         sent: int | None = None, mine: bool = False) -> NewPost:
    return NewPost(group, n.to_bytes(8, "big") + group[:1], sender, "Ana" if sender == ANA else "Bo",
                   1000 + n if sent is None else sent, 2000 + n, n,
                   text=f"post number {n}" if text is None else text, mine=mine)


def mid(n: int, group: bytes = G1) -> bytes:
    return n.to_bytes(8, "big") + group[:1]


# -- posts --------------------------------------------------------------------------------------
def test_a_batch_is_stored_once_and_replays_are_skipped(store: Store) -> None:
    first = store.posts.insert_posts([post(1), post(2), post(2)])
    assert first == (mid(1), mid(2))
    assert store.posts.insert_posts([post(1), post(3)]) == (mid(3),)
    assert store.posts.post_count(G1) == 3


def test_unread_counts_others_posts_and_mark_read_clears(store: Store) -> None:
    store.posts.insert_posts([post(1), post(2, sender=ME, mine=True), post(3, sender=BO)])
    groups = {g.id: g for g in store.groups.list_groups()}
    assert groups[G1].unread == 2
    store.groups.mark_read(G1)
    assert {g.id: g for g in store.groups.list_groups()}[G1].unread == 0


def test_group_list_is_ordered_by_activity_with_a_preview(store: Store) -> None:
    store.posts.insert_posts([post(1, group=G1, sent=5000, text="older")])
    store.posts.insert_posts([post(1, group=G2, sender=BO, sent=6000, text="newest words")])
    store.groups.replace_members(G2, [Member(G2, BO, "fp-bo", "Bo", "admin"),
                               Member(G2, ME, "fp-me", "Me", "member")])
    rows = store.groups.list_groups()
    assert [r.id for r in rows] == [G2, G1]
    assert (rows[0].last_text, rows[0].last_sender, rows[0].member_count) == ("newest words", "Bo", 2)
    store.posts.apply_delete(G2, mid(1, G2), BO, 6001)
    assert store.groups.list_groups()[0].last_text == ""


def test_latest_page_is_oldest_first_with_more_before(store: Store) -> None:
    store.posts.insert_posts([post(n) for n in range(1, 121)])
    page = store.posts.latest_posts(G1, 50)
    assert [p.seq for p in page.posts] == list(range(71, 121))
    assert page.more_before and not page.more_after


def test_keyset_paging_walks_the_whole_timeline_without_gaps(store: Store) -> None:
    # equal sent times are ordered by row id, so ties cannot be skipped or repeated
    store.posts.insert_posts([post(n, sent=1000 + n // 3) for n in range(1, 101)])
    page = store.posts.latest_posts(G1, 30)
    seen = [p.seq for p in page.posts]
    while page.more_before:
        page = store.posts.posts_before(G1, page.posts[0].key, 30)
        seen = [p.seq for p in page.posts] + seen
        assert page.more_after
    assert seen == list(range(1, 101))
    forward = store.posts.posts_after(G1, PageKey(0, 0, 0), 40)
    assert [p.seq for p in forward.posts] == list(range(1, 41)) and forward.more_after
    assert not forward.more_before


def test_around_centres_on_the_post(store: Store) -> None:
    store.posts.insert_posts([post(n) for n in range(1, 101)])
    page = store.posts.posts_around(G1, mid(50), 11)
    assert page is not None
    assert [p.seq for p in page.posts] == list(range(45, 56))
    assert page.more_before and page.more_after
    assert store.posts.posts_around(G1, b"missing", 11) is None


def test_paging_uses_the_index_not_a_scan(store: Store) -> None:
    plan = store.run(lambda s: s._db().execute(
        "EXPLAIN QUERY PLAN SELECT id FROM posts p WHERE p.group_id = ? AND "
        "(p.sent_time, p.seq, p.id) < (?, ?, ?) ORDER BY p.sent_time DESC, p.seq DESC, p.id DESC "
        "LIMIT 51", (G1, 5, 5, 5)).fetchall())
    text = " ".join(str(row[-1]) for row in plan)
    assert "posts_page" in text and "TEMP B-TREE" not in text


def test_edit_changes_current_text_and_newest_edit_wins(store: Store) -> None:
    store.posts.insert_posts([post(1, text="first words")])
    assert store.posts.apply_edit(G1, mid(1), "second words", 3000)
    assert not store.posts.apply_edit(G1, mid(1), "stale edit", 2500)
    got = store.posts.get_post(G1, mid(1))
    assert got is not None
    assert (got.text, got.original_text, got.edited, got.edited_time) == (
        "second words", "first words", True, 3000)


def test_delete_leaves_a_tombstone_without_text_or_reactions(store: Store) -> None:
    store.posts.insert_posts([post(1, text="regrettable")])
    store.posts.apply_reaction(G1, mid(1), BO, "👍", True, 3000)
    assert store.posts.apply_delete(G1, mid(1), ANA, 3001)
    got = store.posts.get_post(G1, mid(1))
    assert got is not None
    assert got.deleted and got.text == "" and got.original_text is None
    assert got.deleted_by == ANA and got.reactions == ()
    assert not store.posts.apply_edit(G1, mid(1), "back again", 4000)
    store.posts.apply_reaction(G1, mid(1), BO, "👍", True, 4001)
    assert store.posts.get_post(G1, mid(1)).reactions == ()  # type: ignore[union-attr]


def test_reactions_toggle_and_may_arrive_before_the_post(store: Store) -> None:
    store.posts.apply_reaction(G1, mid(1), BO, "🎉", True, 2999)
    store.posts.insert_posts([post(1)])
    store.posts.apply_reaction(G1, mid(1), ME, "🎉", True, 3000)
    store.posts.apply_reaction(G1, mid(1), ME, "❤", True, 3001)
    store.posts.apply_reaction(G1, mid(1), ME, "❤", False, 3002)
    got = store.posts.get_post(G1, mid(1))
    assert got is not None
    assert [(r.reactor_ik, r.emoji) for r in got.reactions] == [(BO, "🎉"), (ME, "🎉")]


def test_edit_and_delete_before_their_post_apply_when_it_lands(store: Store) -> None:
    assert not store.posts.apply_edit(G1, mid(1), "edited early", 3000, author=ANA)
    assert not store.posts.apply_delete(G1, mid(2), ANA, 3000, admin=False)
    assert not store.posts.apply_delete(G1, mid(3), BO, 3000, admin=True)
    store.posts.insert_posts([post(1, text="original"), post(2, text="doomed"), post(3, text="removed")])
    posts = store.posts.get_posts(G1, [mid(1), mid(2), mid(3)])
    assert posts[mid(1)].text == "edited early"
    assert posts[mid(2)].deleted and posts[mid(2)].text == ""
    assert posts[mid(3)].deleted and posts[mid(3)].deleted_by == BO
    assert store.check_integrity() == []


def test_early_changes_from_someone_else_are_dropped_when_the_post_lands(store: Store) -> None:
    assert not store.posts.apply_edit(G1, mid(1), "forged edit", 3000, author=BO)
    assert not store.posts.apply_delete(G1, mid(2), BO, 3000, admin=False)
    assert not store.posts.apply_edit(G1, mid(3), "unattributed", 3000)  # not kept without author
    store.posts.insert_posts([post(1, text="mine"), post(2, text="also mine"), post(3, text="third")])
    posts = store.posts.get_posts(G1, [mid(1), mid(2), mid(3)])
    assert [posts[mid(n)].text for n in (1, 2, 3)] == ["mine", "also mine", "third"]
    assert store.run(lambda s: s._db().execute("SELECT count(*) FROM pending_changes")
                     .fetchone()[0]) == 0


def test_only_the_sender_edits_and_only_sender_or_admin_deletes(store: Store) -> None:
    store.posts.insert_posts([post(1, text="Ana's words")])
    assert not store.posts.apply_edit(G1, mid(1), "Bo rewrites it", 3000, author=BO)
    assert not store.posts.apply_delete(G1, mid(1), BO, 3001, admin=False)
    assert store.posts.get_post(G1, mid(1)).text == "Ana's words"  # type: ignore[union-attr]
    assert store.posts.apply_edit(G1, mid(1), "Ana fixes it", 3002, author=ANA)
    assert store.posts.apply_delete(G1, mid(1), BO, 3003, admin=True)
    assert store.posts.get_post(G1, mid(1)).deleted_by == BO  # type: ignore[union-attr]


def test_short_ids_find_posts_by_hex_prefix(store: Store) -> None:
    store.posts.insert_posts([NewPost(G1, bytes.fromhex(h), ANA, "Ana", 1, 1, i, text="x")
                        for i, h in enumerate(["ab12cd", "ab19ff", "ac0000", "ffff00"])])
    assert store.posts.find_msg_ids(G1, "ab1") == [bytes.fromhex("ab12cd"), bytes.fromhex("ab19ff")]
    assert store.posts.find_msg_ids(G1, "AB12") == [bytes.fromhex("ab12cd")]
    assert store.posts.find_msg_ids(G1, "ac", limit=5) == [bytes.fromhex("ac0000")]
    assert store.posts.find_msg_ids(G1, "fff") == [bytes.fromhex("ffff00")]
    assert store.posts.find_msg_ids(G1, "zz") == [] and store.posts.find_msg_ids(G1, "") == []
    assert store.posts.find_msg_ids(G2, "ab") == []


def test_unsupported_kind_keeps_the_raw_payload(store: Store) -> None:
    store.posts.insert_posts([NewPost(G1, b"u1", ANA, "Ana", 5, 6, 1, kind="unsupported",
                                raw=b"\x09future payload")])
    got = store.posts.get_post(G1, b"u1")
    assert got is not None and got.kind == "unsupported" and got.raw == b"\x09future payload"
    assert got.text == ""


def test_own_post_is_sending_until_acked(store: Store) -> None:
    def send(s: Store) -> int:
        with s.transaction(durable=True):
            s.posts.insert_posts([post(1, sender=ME, mine=True)])
            return s.outbox.enqueue([NewOutbox("https://relay.test", b"mbox", b"cap", b"env", 5,
                                        group_id=G1, msg_id=mid(1))])[0]

    row = store.run(send)
    assert store.posts.get_post(G1, mid(1)).sending  # type: ignore[union-attr]
    store.outbox.ack([row])
    assert not store.posts.get_post(G1, mid(1)).sending  # type: ignore[union-attr]


# -- outbox, cursors, settings ------------------------------------------------------------------
def test_outbox_rows_stay_until_acked_in_order(store: Store) -> None:
    ids = store.outbox.enqueue([NewOutbox("https://r", b"m1", b"c", bytes([i]), i, G1) for i in range(3)])
    store.outbox.enqueue([NewOutbox("https://r", b"m2", b"c", b"other", 9)])
    store.outbox.mark_attempt(ids[:1], 77)
    items = store.outbox.pending_outbox(mailbox=b"m1")
    assert [i.envelope for i in items] == [b"\x00", b"\x01", b"\x02"]
    assert (items[0].attempts, items[0].last_attempt) == (1, 77)
    store.outbox.ack(ids[:2])
    assert [i.envelope for i in store.outbox.pending_outbox()] == [b"\x02", b"other"]
    assert store.outbox.outbox_count(G1) == 1 and store.outbox.outbox_count() == 2


def test_cursors_never_move_backwards(store: Store) -> None:
    assert store.outbox.get_cursor(b"mb") == 0
    store.outbox.set_cursor(b"mb", 10)
    store.outbox.set_cursor(b"mb", 4)
    assert store.outbox.get_cursor(b"mb") == 10
    assert store.outbox.cursors() == {b"mb": 10}


def test_settings_round_trip(store: Store) -> None:
    assert store.settings.get("theme", "system") == "system"
    store.settings.set("theme", "dark")
    store.settings.set("theme", "light")
    assert store.settings.get("theme") == "light" and store.settings.all() == {"theme": "light"}


# -- groups, members, control, epochs, warnings, identity ---------------------------------------
def test_identity_group_state_and_updates(store: Store) -> None:
    assert store.identity.get() is None
    store.identity.save(b"id-blob", "Me", 1)
    store.identity.save(b"id-blob-2", "Me again", 2)
    ident = store.identity.get()
    assert ident is not None and (ident.blob, ident.display_name, ident.created) == (
        b"id-blob-2", "Me again", 1)
    store.groups.save_group_state(G1, b"state-1b")
    store.groups.update_group(G1, name="Fam", muted=True, removed=True)
    got = store.groups.get_group(G1)
    assert got is not None and (got.state, got.name, got.muted, got.removed) == (
        b"state-1b", "Fam", True, True)
    assert [g.id for g in store.groups.find_groups("Fam")] == [G1]
    assert [g.id for g in store.groups.list_groups(include_removed=False)] == [G2]
    with pytest.raises(ValueError):
        store.groups.update_group(G1, state=b"nope")


def test_members_control_log_and_epochs(store: Store) -> None:
    store.groups.upsert_member(Member(G1, ANA, "fp-a", "Ana", "member"))
    store.groups.upsert_member(Member(G1, ANA, "fp-a", "Ana", "admin"))
    store.groups.upsert_member(Member(G1, BO, "fp-b", "Bo", "member"))
    store.groups.remove_member(G1, BO)
    assert [(m.display_name, m.role) for m in store.groups.list_members(G1)] == [("Ana", "admin")]
    store.groups.append_control([ControlEntry(G1, 0, b"h0", "genesis", ANA, b"e0", 1),
                          ControlEntry(G1, 1, b"h1", "add", ANA, b"e1", 2)])
    assert [e.kind for e in store.groups.control_log(G1)] == ["genesis", "add"]
    # A re-delivered entry (or a second note of the same step) keeps the first one: forks are
    # the protocol's to detect (crypto/), this table is what the timeline shows.
    store.groups.append_control([ControlEntry(G1, 1, b"again", "add", ANA, b"x", 3)])
    assert [e.entry_hash for e in store.groups.control_log(G1)] == [b"h0", b"h1"]
    store.groups.add_epoch(Epoch(G1, 0, b"mb0", b"es0", 1))
    store.groups.add_epoch(Epoch(G1, 1, b"mb1", b"es1", 5))
    store.groups.end_epoch(G1, 0, 5)
    assert [(e.epoch, e.ended) for e in store.groups.epochs(G1)] == [(0, 5), (1, None)]
    assert store.groups.epoch_by_mailbox(b"mb1") == Epoch(G1, 1, b"mb1", b"es1", 5)


def test_warnings_are_listed_until_dismissed(store: Store) -> None:
    wid = store.groups.add_warning(G1, "gap", "2 posts from Ana are missing.", 50, ANA)
    store.groups.add_warning(G1, "fork", "The member list differs between members.", 60)
    assert {g.id: g.open_warnings for g in store.groups.list_groups()} == {G1: 2, G2: 0}
    store.groups.dismiss_warning(wid)
    assert [w.kind for w in store.groups.list_warnings(G1)] == ["fork"]
    assert len(store.groups.list_warnings(G1, include_dismissed=True)) == 2


def test_delete_group_forgets_everything_for_it(store: Store) -> None:
    store.posts.insert_posts([post(1)])
    store.outbox.enqueue([NewOutbox("https://r", b"m", b"c", b"e", 1, G1)])
    store.groups.delete_group(G1)
    assert store.groups.get_group(G1) is None and store.posts.post_count(G1) == 0
    assert store.outbox.outbox_count() == 0 and store.search.find("number") == []
    assert store.check_integrity() == []


# -- invites, join requests, my joins ------------------------------------------------------------
def test_invite_uses_run_out_and_revoked_ones_refuse(store: Store) -> None:
    store.invites.add_invite(Invite(b"i1", G1, "coterie://join#x", b"secret", 2, 2, 1, 99))
    assert store.invites.use_invite(b"i1") == 1
    assert store.invites.use_invite(b"i1") == 0
    with pytest.raises(NotStored):
        store.invites.use_invite(b"i1")
    store.invites.add_invite(Invite(b"i2", G1, "coterie://join#y", b"secret2", 5, 5, 2, 99))
    assert store.invites.revoke_invite(b"i2")
    with pytest.raises(NotStored):
        store.invites.use_invite(b"i2")
    assert [(i.id, i.revoked) for i in store.invites.list_invites(G1)] == [(b"i1", False), (b"i2", True)]


def test_join_requests_are_kept_once_and_decided(store: Store) -> None:
    req = JoinRequest(b"r1", G1, b"i1", "Cy", "fp-cy", b"C" * 32, b"raw", "pending", 7)
    assert store.invites.add_join_request(req)
    assert not store.invites.add_join_request(req)
    assert [r.id for r in store.invites.list_join_requests(G1)] == [b"r1"]
    store.invites.set_join_request_state(b"r1", "approved", 8)
    assert store.invites.list_join_requests(G1) == []
    got = store.invites.get_join_request(b"r1")
    assert got is not None and (got.state, got.decided) == ("approved", 8)
    with pytest.raises(NotStored):
        store.invites.set_join_request_state(b"nope", "declined", 9)


def test_my_joins_are_saved_and_updated(store: Store) -> None:
    store.invites.save_my_join(MyJoin(b"j1", "https://r", "", "waiting", "Waiting.", None, b"s", 1, 1))
    store.invites.save_my_join(MyJoin(b"j1", "https://r", "Club", "joined", "", G2, b"s2", 1, 5))
    [join] = store.invites.list_my_joins()
    assert (join.group_name, join.state, join.group_id, join.updated) == ("Club", "joined", G2, 5)
    store.invites.delete_my_join(b"j1")
    assert store.invites.list_my_joins() == []


# -- threads and transactions --------------------------------------------------------------------
def test_submit_returns_a_future_and_calls_back_on_the_store_thread(store: Store) -> None:
    store.posts.insert_posts([post(1)])
    seen: list[str] = []
    done = threading.Event()

    def callback(fut: Future) -> None:
        seen.append(threading.current_thread().name)
        done.set()

    fut = store.submit(lambda st: st.posts.latest_posts(G1, 10), callback=callback)
    assert [p.seq for p in fut.result(timeout=5).posts] == [1]
    assert done.wait(5) and seen == ["coterie-store"]


def test_calls_from_many_threads_are_serialised(store: Store) -> None:
    def worker(base: int) -> None:
        for n in range(base, base + 20):
            store.posts.insert_posts([post(n)])

    threads = [threading.Thread(target=worker, args=(b * 100,)) for b in range(1, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.posts.post_count(G1) == 80


def test_a_failed_transaction_leaves_nothing_behind(store: Store) -> None:
    def work(s: Store) -> None:
        with s.transaction(durable=True):
            s.posts.insert_posts([post(1)])
            s.outbox.set_cursor(b"mb", 5)
            raise RuntimeError("crypto refused the batch")

    with pytest.raises(RuntimeError):
        store.run(work)
    assert store.posts.post_count(G1) == 0 and store.outbox.get_cursor(b"mb") == 0
    assert store.check_integrity() == []


def test_transactions_only_run_on_the_store_thread(store: Store) -> None:
    with pytest.raises(StoreError):
        with store.transaction():
            pass


def test_errors_are_app_errors_with_one_sentence(store: Store) -> None:
    with pytest.raises(AppError) as err:
        store.groups.add_group(GroupRecord(G1, "dup", "u", "admin", b"", 1, 1))
    assert str(err.value).endswith(".") and "\n" not in str(err.value)
    assert "INSERT" not in str(err.value)


def test_a_closed_store_refuses_calls(tmp_path: Path) -> None:
    s = Store.open(tmp_path, os.urandom(32))
    s.close()
    s.close()
    with pytest.raises(StoreClosed):
        s.identity.get()


# -- durability and files --------------------------------------------------------------------
def _synchronous(s: Store) -> int:
    return s._db().execute("PRAGMA synchronous").fetchone()[0]


def test_typed_data_commits_with_full_sync_and_inbound_with_normal(store: Store) -> None:
    full, normal = 2, 1
    store.outbox.enqueue([NewOutbox("https://r", b"m", b"c", b"e", 1)])
    assert store.run(_synchronous) == full
    store.posts.insert_posts([post(1)])
    assert store.run(_synchronous) == normal
    store.settings.set("theme", "dark")
    assert store.run(_synchronous) == full

    def mine(s: Store) -> int:
        with s.transaction(durable=True):
            s.posts.insert_posts([post(2, sender=ME, mine=True)])  # joins the durable transaction
        return _synchronous(s)

    assert store.run(mine) == full


def test_the_store_files_are_private_and_the_folder_is_made(tmp_path: Path) -> None:
    profile = tmp_path / "new" / "profile"
    with Store.open(profile, os.urandom(32)) as s:
        s.settings.set("x", "y")
        for path in profile.iterdir():
            assert path.stat().st_mode & 0o077 == 0, path.name
    assert profile.stat().st_mode & 0o077 == 0


def test_an_unopenable_location_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError) as err:
        Store.open(blocker / "profile", os.urandom(32))
    assert "cannot be opened" in str(err.value)


def test_submit_never_waits_for_the_store_thread(store: Store) -> None:
    release = threading.Event()
    busy = store.submit(lambda s: release.wait(5))
    queued = store.submit(lambda st: st.settings.get("theme", "system"))
    assert not busy.done() and not queued.done()  # the caller got control back at once
    release.set()
    assert busy.result(timeout=5) is True and queued.result(timeout=5) == "system"


def test_close_finishes_queued_work_then_refuses_more(tmp_path: Path) -> None:
    key = os.urandom(32)
    s = Store.open(tmp_path, key)
    s.groups.add_group(GroupRecord(G1, "g", "u", "admin", b"", 1, 1))
    pending = [s.submit(lambda st, n=n: st.posts.insert_posts([post(n)])) for n in range(1, 30)]
    s.close()
    assert all(f.done() and f.exception() is None for f in pending)
    with pytest.raises(StoreClosed):
        s.submit(lambda st: st.posts.post_count(G1))
    with Store.open(tmp_path, key) as again:
        assert again.posts.post_count(G1) == 29


def test_posts_of_one_second_keep_their_written_order_across_deliveries(store: Store) -> None:
    # a relay that reorders across two fetches: seq 3 and 4 arrive before 1 and 2
    late = [NewPost(G1, bytes([n]) * 8, ANA, "Ana", 50, 60, n, text=f"p{n}") for n in (3, 4)]
    early = [NewPost(G1, bytes([n]) * 8, ANA, "Ana", 50, 61, n, text=f"p{n}") for n in (1, 2)]
    store.posts.insert_posts(late)
    store.posts.insert_posts(early)
    assert [p.seq for p in store.posts.latest_posts(G1, 10).posts] == [1, 2, 3, 4]
    first, second = store.posts.latest_posts(G1, 10).posts[:2]
    assert [p.seq for p in store.posts.posts_after(G1, second.key, 10).posts] == [3, 4]
    page = store.posts.posts_before(G1, store.posts.get_post(G1, bytes([3]) * 8).key, 10)  # type: ignore[union-attr]
    assert [p.seq for p in page.posts] == [1, 2] and page.more_after and not page.more_before
    assert first.key < second.key
