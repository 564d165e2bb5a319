"""Full-text search: diacritics, prefixes, hostile query strings, ranking, snippets."""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.store import HIGHLIGHT_END, HIGHLIGHT_START, GroupRecord, NewPost, Store, fts_query
from app.store import search as search_module
from app.store.search import _phrases, snippet

G1 = b"\x01" * 16
G2 = b"\x02" * 16
TEXTS = {
    1: "Rendez-vous au café de la gare à midi",
    2: "Crème brûlée recipe from grandma",
    3: "the naïve approach: cache everything",
    4: "Let's meet near the station, AND bring snacks",
    5: 'She said "hello" to everyone (twice!)',
    6: "Caching strategies: cache invalidation is hard; caches everywhere, cache cache",
    7: "Zürich trip photos",
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    s = Store.open(tmp_path_factory.mktemp("search"), os.urandom(32))
    s.groups.add_group(GroupRecord(G1, "Family", "https://r", "admin", b"", 1, 1))
    s.groups.add_group(GroupRecord(G2, "Work", "https://r", "admin", b"", 1, 1))
    s.posts.insert_posts([NewPost(G1, bytes([n]), b"A" * 32, "Ana", 100 + n, 100 + n, n, text=t)
                    for n, t in TEXTS.items()])
    s.posts.insert_posts([NewPost(G2, b"w1", b"B" * 32, "Bo", 500, 500, 1,
                            text="cafe meeting at the office")])
    yield s
    s.close()


def hits(store: Store, query: str, group: bytes | None = None) -> list[bytes]:
    return [r.msg_id for r in store.search.find(query, group)]


def test_diacritics_are_ignored_both_ways(store: Store) -> None:
    assert set(hits(store, "cafe")) == {bytes([1]), b"w1"}
    assert set(hits(store, "café")) == {bytes([1]), b"w1"}
    assert hits(store, "creme brulee") == [bytes([2])]
    assert hits(store, "zurich") == [bytes([7])]
    assert hits(store, "NAIVE") == [bytes([3])]


def test_prefixes_match(store: Store) -> None:
    assert hits(store, "rend") == [bytes([1])]
    assert hits(store, "gra") == [bytes([2])]
    assert hits(store, "z") == [bytes([7])]


def test_every_word_must_match(store: Store) -> None:
    assert hits(store, "cafe gare") == [bytes([1])]
    assert hits(store, "cafe office") == [b"w1"]
    assert hits(store, "cafe nothingatall") == []


@pytest.mark.parametrize("query", [
    '"', '""', '"unbalanced', "quote\"inside", "*", "**", "cafe*", "NEAR", "NEAR(cafe gare)",
    "AND", "OR", "NOT", "cafe AND", "AND cafe", "cafe OR gare", "-cafe", "^cafe", "body:cafe",
    "(", ")", "{body}: x", "+", "'", "let's", "\\", "\x00", "0\x00", "a\x00\"b", "\u200b", "😀", ":", ";", "...",
    "a" * 500, " ".join(["w"] * 200), "", "   ",
])
def test_no_query_string_raises(store: Store, query: str) -> None:
    store.search.find(query)


def test_operators_are_plain_words(store: Store) -> None:
    assert hits(store, "near AND") == [bytes([4])]
    # as an operator NEAR(cafe gare) would find post 1; as words it needs "near" next to "cafe"
    assert hits(store, "NEAR(cafe gare)") == []
    assert hits(store, "NEAR(the station,") == [bytes([4])]
    assert hits(store, "cafe OR gare") == []  # OR is a word, and no post has it
    assert hits(store, "\"hello\"") == [bytes([5])]
    assert hits(store, "let's") == [bytes([4])]
    assert hits(store, "(twice!)") == [bytes([5])]


def test_punctuation_only_queries_find_nothing(store: Store) -> None:
    assert fts_query('"" * - ( )') is None
    assert store.search.find("!!! ???") == []


def test_results_are_ranked_by_relevance(store: Store) -> None:
    ranked = store.search.find("cache")
    assert [r.msg_id for r in ranked][:2] == [bytes([6]), bytes([3])]
    assert ranked[0].rank <= ranked[1].rank


def test_group_filter(store: Store) -> None:
    assert hits(store, "cafe", G2) == [b"w1"]
    assert hits(store, "cafe", G1) == [bytes([1])]
    [hit] = store.search.find("cafe", G2)
    assert (hit.group_name, hit.sender_name, hit.sent_time) == ("Work", "Bo", 500)


def test_snippets_mark_matches(store: Store) -> None:
    [hit] = store.search.find("brul", G1)
    assert f"{HIGHLIGHT_START}brûlée{HIGHLIGHT_END}" in hit.snippet


def test_control_characters_in_posts_cannot_fake_highlights(tmp_path: Path) -> None:
    with Store.open(tmp_path, os.urandom(32)) as s:
        s.groups.add_group(GroupRecord(G1, "g", "u", "admin", b"", 1, 1))
        s.posts.insert_posts([NewPost(G1, b"x", b"A", "Ana", 1, 1, 1,
                                text="fake \x02bold\x03 claim\nnext line")])
        [hit] = s.search.find("claim")
        assert hit.snippet == f"fake bold {HIGHLIGHT_START}claim{HIGHLIGHT_END} next line"


def test_edits_and_deletes_reach_the_index(tmp_path: Path) -> None:
    with Store.open(tmp_path, os.urandom(32)) as s:
        s.groups.add_group(GroupRecord(G1, "g", "u", "admin", b"", 1, 1))
        s.posts.insert_posts([NewPost(G1, b"p", b"A", "Ana", 1, 1, 1, text="typo here")])
        s.posts.apply_edit(G1, b"p", "fixed here", 2)
        assert [r.msg_id for r in s.search.find("typo")] == []
        assert [r.msg_id for r in s.search.find("fixed")] == [b"p"]
        s.posts.apply_delete(G1, b"p", b"A", 3)
        assert s.search.find("fixed") == [] and s.search.find("here") == []
        assert s.check_integrity() == []


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=60))
def test_any_text_is_a_safe_query(store: Store, query: str) -> None:
    store.search.find(query)


def test_common_words_are_ranked_within_the_most_recent_matches(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_module, "RANK_WINDOW", 30)
    with Store.open(tmp_path, os.urandom(32)) as s:
        s.groups.add_group(GroupRecord(G1, "g", "u", "admin", b"", 1, 1))
        s.posts.insert_posts([NewPost(G1, n.to_bytes(2, "big"), b"A", "Ana", n, n, n,
                                text="tea " * (5 if n == 1 else 1) + "and cake")
                        for n in range(1, 101)])
        found = s.search.find("tea")
        assert len(found) == 20 and min(r.sent_time for r in found) >= 71
        monkeypatch.setattr(search_module, "RANK_WINDOW", 1000)
        assert s.search.find("tea")[0].msg_id == (1).to_bytes(2, "big")  # five teas rank first


def test_long_posts_get_a_window_around_the_matches() -> None:
    words = [f"w{i}" for i in range(40)]
    words[25] = "Bücher"
    text = " ".join(words)
    cut = snippet(text, _phrases("bucher"))
    assert cut.startswith("…") and cut.endswith("…")
    assert f"{HIGHLIGHT_START}Bücher{HIGHLIGHT_END}" in cut
    assert len(cut.split()) == 12
    assert snippet("short text", _phrases("zzz")) == "short text"
    assert snippet("", _phrases("x")) == ""


def test_group_ids_are_not_searchable_text(store: Store) -> None:
    assert store.search.find(G1.hex()) == [] and store.search.find(G1.hex()[:6]) == []


def test_a_very_long_post_gets_a_short_snippet() -> None:
    text = " ".join(["tea cake biscuit"] * 3000)
    cut = snippet(text, _phrases("tea bis"))
    assert len(cut.split()) == 12 and cut.endswith("…")
    assert cut.count(HIGHLIGHT_START) == 8


def test_a_snippet_keeps_the_markup_around_its_edge_words() -> None:
    text = "one two three four five six seven eight nine ten from **Ben**"
    cut = snippet(text, _phrases("ben"), size=11)
    assert cut.endswith(f"from **{HIGHLIGHT_START}Ben{HIGHLIGHT_END}**")
    assert snippet("say **hi** to all of them", _phrases("zzz"), size=2) == "say **hi**…"
    # punctuation inside a token is not an edge: the cut stays at the word
    assert snippet("alpha snake_case tail", _phrases("alpha"), size=2).endswith("snake…")
    assert snippet("alpha example.com tail", _phrases("alpha"), size=2).endswith("example…")
    assert snippet("_start_ here and more", _phrases("start"), size=2).startswith(
        f"_{HIGHLIGHT_START}start{HIGHLIGHT_END}_")


def test_library_items_are_indexed_and_leave_the_index_when_removed(tmp_path: Path) -> None:
    from app.store.files import LibraryRow, TagOrder

    def write(s: Store, fn: Callable[[Store], object]) -> None:
        def work(st: Store) -> None:
            with st.transaction():
                fn(st)
        s.run(work)

    with Store.open(tmp_path, os.urandom(32)) as s:
        gid = G1
        s.groups.add_group(GroupRecord(gid, "G", "u", "admin", b"", 1, 1))
        s.posts.insert_posts([NewPost(gid, b"p1", b"I" * 32, "Ana", 10, 10, 1, text="hello")])
        write(s, lambda st: st.files.library_add(LibraryRow(
            gid, b"i1", b"p1", b"I" * 32, 11, "Café guide", "where to sit", ("coffee",), "",
            False)))
        [hit] = s.search.find_library("cafe", gid)
        assert (hit.kind, hit.msg_id, hit.group_name) == ("library", b"p1", "G")
        assert s.search.find_library("coffee") and s.search.find_library("sit", G2) == []
        assert s.search.find("cafe") == []                   # posts and items stay apart
        write(s, lambda st: st.files.library_tags(gid, b"i1", ("tea",),
                                                 TagOrder.of(12, b"I" * 32, 0, 2, b"t")))
        assert s.search.find_library("coffee") == [] and s.search.find_library("tea")
        write(s, lambda st: st.files.library_remove(gid, b"i1", b"I" * 32, False))
        assert s.search.find_library("cafe") == []
        assert s.check_integrity() == []
