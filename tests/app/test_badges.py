"""Automatic badges as docs/protocol.md §5.3.4 defines them: pure functions of what a client
holds, so two clients holding the same things compute the same badges."""
from __future__ import annotations

from app.badges import YEAR, AutoBadge, automatic, first_welcomers, granted_titles, welcomes
from app.store.profiles import BadgeEntry, PostFact

A, B, C, D = (bytes([n]) * 32 for n in (1, 2, 3, 4))


def test_a_welcome_needs_a_welcome_word_and_the_newcomers_whole_name() -> None:
    assert welcomes("Welcome, Cy!", "Cy") and welcomes("willkommen @cy 👋", "Cy")
    assert welcomes("👋 Bea", "Bea")
    assert not welcomes("Welcome all!", "Al")     # not inside a longer word
    assert not welcomes("Hi Cy", "Cy") and not welcomes("Welcome!", "")


def test_the_first_welcome_in_order_of_signed_time_sender_and_id_counts() -> None:
    hello = b"\x09" * 32
    posts = [PostFact(hello, C, 100, "hello everyone", None),           # the newcomer
             PostFact(b"\x05" * 32, B, 105, "welcome C", None),         # not C's name
             PostFact(b"\x01" * 32, A, 110, "Welcome, Cy!", None),
             PostFact(b"\x02" * 32, B, 110, "ok", hello)]               # a reply to C
    # posts come in the order (signed time, sender, id): A's welcome is first at 110
    assert first_welcomers({C: "Cy"}, {C: posts}, {hello: C}) == {A: 1}
    # a reply to the newcomer's post counts as a welcome too
    assert first_welcomers({C: "Cy"}, {C: [posts[0], posts[1], posts[3]]}, {hello: C}) == {B: 1}
    # the newcomer's own words never count, and nobody welcomed Dee
    assert first_welcomers({C: "Cy", D: "Dee"}, {C: posts[:1], D: posts}, {hello: C}) == {}


def test_automatic_badges_thresholds_ties_and_years() -> None:
    members = {A: 0, B: 3, C: 11, D: 12}
    now = 10 * YEAR
    got = automatic(members, {A: now - 2 * YEAR - 5, C: now - 10}, {A: 120, B: 9, C: 10},
                    {A: 4, B: 4, C: 2}, {B: 2}, now)
    assert got[A] == [AutoBadge("founding"), AutoBadge("posts", 100), AutoBadge("helpful", 4),
                      AutoBadge("anniversary", 2)]
    assert got[B] == [AutoBadge("founding"), AutoBadge("welcomer", 2), AutoBadge("helpful", 4)]
    assert got[C] == [AutoBadge("posts", 10)]
    assert got[D] == []
    assert automatic({A: 0}, {}, {}, {A: 2}, {}, now)[A] == [AutoBadge("founding")]  # < 3


def test_the_last_grant_or_revoke_of_a_title_holds() -> None:
    log = [BadgeEntry(b"1", A, B, "Mentor", True, 10, 1),
           BadgeEntry(b"2", A, B, "Mentor", False, 20, 2),
           BadgeEntry(b"3", A, C, "Host", True, 30, 3)]
    assert set(granted_titles(log)) == {C}
    assert set(granted_titles([*log, BadgeEntry(b"4", A, B, "Mentor", True, 40, 4)])) == {B, C}
