"""Schema versions: every earlier fixture migrates forward; newer stores are refused untouched."""
from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
from pathlib import Path

import pytest
import sqlcipher3

from app.store import (
    DB_NAME,
    GENERAL,
    GroupRecord,
    NewPost,
    Store,
    StoreError,
    StoreKeyError,
    StoreTooNew,
    latest_version,
)
from app.store import db as store_db

FIXTURES = Path(__file__).resolve().parent / "fixtures"
_spec = importlib.util.spec_from_file_location("store_fixtures", FIXTURES / "store_fixtures.py")
assert _spec is not None and _spec.loader is not None
store_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(store_fixtures)

# A shipped migration is never edited (databases in the field already ran it): its hash is
# pinned here when it is released.
RELEASED = {
    1: "2233c41c8f5c6475b47e98b63101f1ebed59cb34ecbae5b24741125bb49a2977",
    2: "b25950d6394da495d76f79a46a85aab5c43257a2157dba20438166f56b5cd074",
    3: "0f374e486e4b67867e4ef83d2de84f0db573e8bb1c7ae78c0de2cff9a72b52ea",
    4: "0c1fa31b2eae442788eaa4d508d2337b8272622c71f861a9511ea8fceb1aa07f",
    5: "70098a924c3e603989a1f014c6ed29847e063b957a29e229be633adf0b6f5035",
    6: "8623ca90c06beec84c1dfe8b25950e55f9a3de206fccc75d0d7700b266e140ef",
    7: "83eb47996214a45211d3b7a7db54103dc1e61135251d6e886296ebc57e5543a0",
    8: "3a417a55752b27f2e2c2ce5dfc1052d974f00b8beacb68bb42eaba98f24c430e",
    9: "1f1576f7f4799b4e502e1588974d1de761cb8a73d701627001036d0b3ecd8ce2",
    10: "a1385ce0bbec1aa80851606216daedef1879eb820e24abc71b8b8872d9577ccc",
    11: "ac16b4aa838717bbf865d7f8dca588217217f9142c3ce222f8fe1a7ad8e426f4",
    12: "994b2504a83f06ad3547cb3de587ad55500ba9e2dbb2dc94fd923fb35f630979",
    13: "4094deeb919bb79bcb37c9a13113113aad01bb2aee7def463d4c6da1d2b3273e",
    14: "be96e396ccc12b90a1458f82bb8934aee95682c4b91df5e46d74848e424887e0",
    15: "f98e4636db0d4510dbec58073109a868c89da9a10d8b90d1ab01102738b6e549",
    16: "96d1f7038ecfd7f516265f1b061cb8a11aee0abc61ca3e5e51f50a9e3cfc14b2",
    17: "e997862039d951875d4b17944402ee5465f14bd96e27bbaed666b2e5bfe0afc8",
    18: "7d600953d83019d86cdf6c435a54b5d967dd17c165559d98727fa430cd2d0815",
}


def profile_from(version: int, tmp_path: Path) -> Path:
    profile = tmp_path / f"v{version}"
    profile.mkdir()
    shutil.copy(store_fixtures.fixture_path(version), profile / DB_NAME)
    return profile


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_there_is_a_fixture_for_every_schema_version() -> None:
    assert latest_version() >= 1
    for version in range(1, latest_version() + 1):
        assert store_fixtures.fixture_path(version).exists(), f"store_v{version}.db missing"


def test_released_migrations_are_never_edited() -> None:
    for step in store_db.migrations():
        assert step.version in RELEASED, f"pin the hash of {step.name} when it ships"
        assert hashlib.sha256(step.sql.encode()).hexdigest() == RELEASED[step.version], step.name


@pytest.mark.parametrize("version", range(1, latest_version() + 1))
def test_every_fixture_opens_at_the_latest_schema_with_its_data(tmp_path: Path,
                                                                version: int) -> None:
    profile = profile_from(version, tmp_path)
    with Store.open(profile, store_fixtures.FIXTURE_KEY) as store:
        assert store.run(lambda s: s._db().execute("PRAGMA user_version").fetchone()[0]) \
            == latest_version()
        assert store.check_integrity() == []
        group = store_fixtures.GROUP
        assert store.identity.get().display_name == "Fixture Fay"  # type: ignore[union-attr]
        [row] = store.groups.list_groups()
        assert (row.name, row.unread, row.last_text) == ("Fixture group", 2, "third post, now edited")
        page = store.posts.latest_posts(group, 10)
        assert [p.seq for p in page.posts] == [1, 2, 3]
        assert page.posts[0].reactions[0].emoji == "👍"
        assert page.posts[1].reply_to == bytes([1]) * 4
        assert page.posts[2].sending
        assert [h.msg_id for h in store.search.find("premiere")] == [bytes([1]) * 4]
        assert {h.msg_id for h in store.search.find("post", group)} == {bytes([2]) * 4,
                                                                   bytes([3]) * 4}
        assert store.search.find("post", b"\x99" * 16) == []
        assert [i.envelope for i in store.outbox.pending_outbox()] == [b"\xe7"]
        assert store.outbox.get_cursor(b"\xb0") == 17
        assert store.invites.get_invite(b"\x1a").uses_remaining == 2  # type: ignore[union-attr]
        assert [r.joiner_name for r in store.invites.list_join_requests(group)] == ["Gus"]
        assert store.settings.get("theme") == "dark"
        # and the migrated store takes new writes, early edits included
        store.outbox.set_cursor(b"\xb0", 18)
        assert not store.posts.apply_edit(group, b"\x0a" * 4, "early", 400, author=b"F" * 32)
        store.posts.insert_posts([NewPost(group, b"\x0a" * 4, b"F" * 32, "Fixture Fay", 400, 400, 4,
                                    text="late")])
        assert store.posts.get_post(group, b"\x0a" * 4).text == "early"  # type: ignore[union-attr]


@pytest.mark.parametrize("version", range(1, 5))
def test_posts_from_before_channels_are_in_general(tmp_path: Path, version: int) -> None:
    profile = profile_from(version, tmp_path)
    with Store.open(profile, store_fixtures.FIXTURE_KEY) as store:
        group = store_fixtures.GROUP
        [general] = store.channels.list_channels(group)
        assert (general.id, general.name, general.kind, general.unread) == (GENERAL, "General",
                                                                           "chat", 2)
        assert all(p.channel_id == GENERAL and p.thread_root is None
                   for p in store.posts.latest_posts(group, 10).posts)
        store.groups.mark_read(group)
        assert store.groups.list_groups()[0].unread == 0
        assert store.channels.list_channels(group)[0].last_read == max(
            p.id for p in store.posts.latest_posts(group, 10).posts)


def test_version_5_keeps_channels_threads_and_pins(tmp_path: Path) -> None:
    profile = profile_from(5, tmp_path)
    with Store.open(profile, store_fixtures.FIXTURE_KEY) as store:
        group, channel = store_fixtures.GROUP, store_fixtures.CHANNEL
        forum = store.channels.get_channel(group, channel)
        assert forum is not None and (forum.kind, forum.tags) == ("forum", ("fiction", "poetry"))
        [topic] = store.posts.latest_posts(group, 10, channel=channel).posts
        assert (topic.title, topic.tags) == ("Dune?", ("fiction",))
        [reply] = store.posts.latest_posts(group, 10, thread=topic.msg_id).posts
        assert reply.text == "yes please"
        summary = store.channels.thread_summaries(group, [topic.msg_id])[topic.msg_id]
        assert (summary.replies, summary.last_sender_name, summary.following) == (1, "Gus", True)
        assert [p.target for p in store.channels.list_pins(group, channel)] == [topic.msg_id]


@pytest.mark.parametrize("version", [5, 13])
def test_pins_before_version_14_start_the_pin_history(tmp_path: Path, version: int) -> None:
    """A pin kept before the history existed is its first entry: an unpin signed before it
    changes nothing, one signed after it unpins."""
    profile = profile_from(version, tmp_path)
    with Store.open(profile, store_fixtures.FIXTURE_KEY) as store:
        group, channel = store_fixtures.GROUP, store_fixtures.CHANNEL
        target = bytes.fromhex("0b0b0b0b")
        assert store.channels.apply_pin(group, channel, target, False, b"F" * 32, 290,
                                        b"\xd1", 50) == []
        assert [p.target for p in store.channels.list_pins(group, channel)] == [target]
        store.channels.apply_pin(group, channel, target, False, b"F" * 32, 300, b"\xd4", 50)
        assert store.channels.list_pins(group, channel) == []


@pytest.mark.parametrize("version", range(1, 8))
def test_polls_and_events_start_empty_or_are_kept(tmp_path: Path, version: int) -> None:
    profile = profile_from(version, tmp_path)
    with Store.open(profile, store_fixtures.FIXTURE_KEY) as store:
        group = store_fixtures.GROUP
        polls = store.polls.list_polls(group)
        events = store.events.list_events(group, 0)
        if version < 7:
            assert polls == [] and events == []
            return
        [poll], [event] = polls, events
        assert (poll.question, poll.options, poll.channel) == ("Which moor?", ("Dartmoor", "Exmoor"),
                                                               store_fixtures.CHANNEL)
        assert store.polls.ballots(group, poll.poll_id) == {b"G" * 32: 2}
        assert (event.title, event.place, event.tz) == ("Moor walk", "Postbridge", "Europe/London")
        assert store.events.rsvps(group, event.event_id) == {b"G" * 32: 1}
        assert {h.msg_id for h in store.search.find("moor")} == {poll.poll_id, event.event_id}
        # a poll from before schema 18 was sealed by its creator's identity key
        assert poll.creator_device is None and poll.sealing_key == b"F" * 32


def test_a_poll_keeps_the_device_key_that_sealed_it_from_version_18(tmp_path: Path) -> None:
    with Store.open(profile_from(18, tmp_path), store_fixtures.FIXTURE_KEY) as store:
        [poll] = store.polls.list_polls(store_fixtures.GROUP)
        assert poll.creator_device == b"D" * 32 and poll.sealing_key == b"D" * 32


@pytest.mark.parametrize("version", [8, 9])
def test_library_items_are_kept_and_searchable_from_version_9(tmp_path: Path,
                                                               version: int) -> None:
    profile = profile_from(version, tmp_path)
    if version == 8:     # a library item saved before the library had a search index
        conn = sqlcipher3.connect(str(profile / DB_NAME), isolation_level=None)
        conn.execute(f"PRAGMA key = \"x'{store_fixtures.FIXTURE_KEY.hex()}'\"")
        conn.execute("INSERT INTO library (group_id, item_id, target, author_ik, added_time, "
                     "title, description, tags, link, pinned) VALUES (?, x'0f0f0f0f', "
                     "x'0b0b0b0b', ?, 320, 'Dune reading guide', 'chapters and maps', "
                     "'fiction\nguide', '', 1)", (store_fixtures.GROUP, b"F" * 32))
        conn.close()
    with Store.open(profile, store_fixtures.FIXTURE_KEY) as store:
        group = store_fixtures.GROUP
        [item] = store.files.library(group)
        assert (item.title, item.tags, item.target) == ("Dune reading guide", ("fiction", "guide"),
                                                        b"\x0b" * 4)
        [hit] = store.search.find_library("maps", group)
        assert (hit.kind, hit.msg_id, hit.sender_name) == ("library", b"\x0b" * 4, "Fixture Fay")
        assert store.check_integrity() == []


def test_version_10_keeps_the_tag_edit_in_effect(tmp_path: Path) -> None:
    from app.store.files import TagOrder

    profile = profile_from(10, tmp_path)
    with Store.open(profile, store_fixtures.FIXTURE_KEY) as store:
        group, item = store_fixtures.GROUP, b"\x0f" * 4

        def edits(s: Store) -> list[bool]:
            with s.transaction():
                return [s.files.library_tags(group, item, ("older",),
                                             TagOrder(329, b"Z" * 32, 99, b"\xff")),
                        s.files.library_tags(group, item, ("newer",),
                                             TagOrder(331, b"A" * 32, 1, b"\x00"))]
        [before] = store.files.library(group)
        assert before.tags == ("fiction", "classics")
        assert store.run(edits) == [False, True]
        assert [r.tags for r in store.files.library(group)] == [("newer",)]


def test_version_13_keeps_the_pin_in_effect(tmp_path: Path) -> None:
    from app.store.files import EditOrder

    profile = profile_from(13, tmp_path)
    with Store.open(profile, store_fixtures.FIXTURE_KEY) as store:
        group, item = store_fixtures.GROUP, b"\x0f" * 4

        def edits(s: Store) -> list[bool]:
            with s.transaction():
                return [s.files.library_pin(group, item, False,
                                            EditOrder(334, b"Z" * 32, 99, b"\xff")),
                        s.files.library_pin(group, item, False,
                                            EditOrder(336, b"A" * 32, 1, b"\x00"))]
        [before] = store.files.library(group)
        assert before.pinned
        assert store.run(edits) == [False, True]
        assert [r.pinned for r in store.files.library(group)] == [False]


def test_version_2_keeps_attributed_early_edits(tmp_path: Path) -> None:
    profile = profile_from(1, tmp_path)
    conn = sqlcipher3.connect(str(profile / DB_NAME), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{store_fixtures.FIXTURE_KEY.hex()}'\"")
    conn.execute("INSERT INTO pending_changes (group_id, target, kind, author, text, time) "
                 "VALUES (?, x'aa', 'edit', NULL, 'unattributed', 1), "
                 "(?, x'bb', 'delete', x'0f', NULL, 2)",
                 (store_fixtures.GROUP, store_fixtures.GROUP))
    conn.close()
    with Store.open(profile, store_fixtures.FIXTURE_KEY) as store:
        kept = store.run(lambda s: s._db().execute(
            "SELECT target, kind, author FROM pending_changes").fetchall())
        assert kept == [(b"\xbb", "delete", b"\x0f")]
    profile2 = profile_from(2, tmp_path)
    with Store.open(profile2, store_fixtures.FIXTURE_KEY) as store:
        group = store_fixtures.GROUP
        store.posts.insert_posts([NewPost(group, b"\x09" * 4, b"F" * 32, "Fixture Fay", 410, 410, 9,
                                    text="arrived late")])
        got = store.posts.get_post(group, b"\x09" * 4)
        assert got is not None and got.text == "edited before it arrived"


def test_version_15_keeps_each_posts_evidence_by_its_row(tmp_path: Path) -> None:
    group = store_fixtures.GROUP
    profile = profile_from(14, tmp_path)
    conn = sqlcipher3.connect(str(profile / DB_NAME), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{store_fixtures.FIXTURE_KEY.hex()}'\"")
    conn.execute("INSERT INTO post_evidence VALUES (?, x'01010101', x'e1'), "
                 "(?, x'02020202', x'e2'), (?, x'fefefefe', x'eb')", (group, group, group))
    conn.close()
    with Store.open(profile, store_fixtures.FIXTURE_KEY) as store:
        assert store.reports.evidence(group, bytes([1]) * 4) == b"\xe1"
        assert store.reports.evidence(group, bytes([2]) * 4) == b"\xe2"
        assert store.reports.evidence(group, bytes([3]) * 4) is None
        # evidence of a post that was never stored has nothing to stand beside: gone
        assert store.reports.evidence(group, b"\xfe" * 4) is None
        assert store.run(lambda s: s._db().execute(
            "SELECT count(*) FROM post_signed").fetchone()[0]) == 2
        assert store.posts.apply_delete(group, bytes([1]) * 4, b"F" * 32, 500, admin=True)
        assert store.reports.evidence(group, bytes([1]) * 4) is None
        store.posts.insert_posts([NewPost(group, b"\xfd" * 4, b"F" * 32, "Fixture Fay", 501, 501,
                                          12, text="signed", evidence=b"\xec")])
        assert store.reports.evidence(group, b"\xfd" * 4) == b"\xec"
        # the group's rows leave with the group, evidence included
        store.run(lambda s: s._db().execute("DELETE FROM groups WHERE id = ?", (group,)))
        assert store.run(lambda s: s._db().execute(
            "SELECT count(*) FROM post_signed").fetchone()[0]) == 0
        assert store.check_integrity() == []
    with Store.open(profile_from(15, tmp_path), store_fixtures.FIXTURE_KEY) as store:
        assert store.reports.evidence(group, bytes([2]) * 4) == b"\xe2\xe2"


def test_a_newer_store_is_refused_and_left_untouched(tmp_path: Path) -> None:
    profile = profile_from(latest_version(), tmp_path)
    with Store.open(profile, store_fixtures.FIXTURE_KEY) as store:
        store.run(lambda s: s._db().execute(f"PRAGMA user_version = {latest_version() + 1}"))
    before = digest(profile / DB_NAME)
    with pytest.raises(StoreTooNew) as err:
        Store.open(profile, store_fixtures.FIXTURE_KEY)
    assert "newer Coterie" in str(err.value) and "update Coterie" in str(err.value)
    assert digest(profile / DB_NAME) == before
    assert sorted(p.name for p in profile.iterdir()) == [DB_NAME]


@pytest.mark.parametrize("version", range(1, 12))
def test_profiles_and_badges_start_empty_or_are_kept(tmp_path: Path, version: int) -> None:
    profile = profile_from(version, tmp_path)
    with Store.open(profile, store_fixtures.FIXTURE_KEY) as store:
        group = store_fixtures.GROUP
        profiles = store.profiles.profiles(group)
        badges = store.profiles.badge_log(group)
        if version < 11:
            assert profiles == {} and badges == []
        else:
            fay = profiles[b"F" * 32]
            assert (fay.name, fay.pronouns, fay.bio, fay.avatar) == (
                "Fay", "she/her", "Keeps the minutes.", None)
            assert [(b.member_ik, b.title, b.granted) for b in badges] == [
                (b"G" * 32, "Mentor", True)]
        assert store.profiles.post_counts(group)[b"F" * 32] >= 3


def test_a_failing_migration_rolls_back_completely(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    profile = profile_from(latest_version(), tmp_path)
    shipped = store_db.migrations()
    broken = store_db.Migration(len(shipped) + 1, "9999_broken.sql",
                                "CREATE TABLE half_done (x);\nTHIS IS NOT SQL;")
    monkeypatch.setattr(store_db, "migrations", lambda: [*shipped, broken])
    with pytest.raises(StoreError) as err:
        Store.open(profile, store_fixtures.FIXTURE_KEY)
    assert "left as it was" in str(err.value)
    monkeypatch.undo()
    with Store.open(profile, store_fixtures.FIXTURE_KEY) as store:
        tables = store.run(lambda s: [r[0] for r in s._db().execute(
            "SELECT name FROM sqlite_master WHERE name = 'half_done'")])
        assert tables == []
        assert store.run(lambda s: s._db().execute("PRAGMA user_version").fetchone()[0]) \
            == latest_version()


def test_a_wrong_key_or_a_foreign_file_is_refused(tmp_path: Path) -> None:
    profile = profile_from(1, tmp_path)
    with pytest.raises(StoreKeyError):
        Store.open(profile, os.urandom(32))
    with pytest.raises(StoreKeyError):
        Store.open(profile, b"short")
    other = tmp_path / "other"
    other.mkdir()
    (other / DB_NAME).write_bytes(b"SQLite format 3\x00" + b"\x00" * 4000)
    with pytest.raises(StoreKeyError):
        Store.open(other, os.urandom(32))


def _opens_with(path: Path, key: bytes, *pragmas: str) -> bool:
    conn = sqlcipher3.connect(str(path), isolation_level=None)
    try:
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        for pragma in pragmas:
            conn.execute(pragma)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlcipher3.DatabaseError:
        return False
    finally:
        conn.close()


def test_a_new_store_authenticates_pages_with_sha256_and_an_older_one_keeps_sha512(
        tmp_path: Path) -> None:
    key = os.urandom(32)
    new = tmp_path / "new"
    with Store.open(new, key) as store:
        store.groups.add_group(GroupRecord(store_fixtures.GROUP, "g", "https://r", "admin",
                                           b"", 0, 0))
        store.posts.insert_posts([NewPost(store_fixtures.GROUP, b"\x01" * 4, b"F" * 32, "Fay",
                                          1, 1, 1, text="fresh")])
    sha256 = "PRAGMA cipher_hmac_algorithm = HMAC_SHA256"
    assert _opens_with(new / DB_NAME, key, sha256)
    assert not _opens_with(new / DB_NAME, key)             # not SQLCipher's default format
    # a store written before (SQLCipher's defaults, HMAC-SHA512) opens, migrates and stays so
    old = profile_from(1, tmp_path)
    assert _opens_with(old / DB_NAME, store_fixtures.FIXTURE_KEY)
    with Store.open(old, store_fixtures.FIXTURE_KEY) as store:
        assert store.posts.latest_posts(store_fixtures.GROUP, 50)
    assert _opens_with(old / DB_NAME, store_fixtures.FIXTURE_KEY)
    assert not _opens_with(old / DB_NAME, store_fixtures.FIXTURE_KEY, sha256)
    with pytest.raises(StoreKeyError):      # a wrong key still says so, in either format
        Store.open(new, os.urandom(32))
