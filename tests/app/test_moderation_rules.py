"""The moderation log's verdicts are a function of the log and the message alone: the same
whatever order the actions arrived in (docs/protocol.md §5.3.3)."""
from __future__ import annotations

import itertools
import random

from app.moderation_log import ModState, describe
from app.store.moderation import ModEntry
from crypto import Post, Reaction
from crypto.payloads import GENERAL

MOD, BO, CY = b"\x01" * 32, b"\x02" * 32, b"\x03" * 32
T = 1_750_000_000
LOG = [
    ModEntry(b"a" * 32, MOD, "timeout", BO, until=T + 100, reason="cool", sent_time=T, seq=1),
    ModEntry(b"b" * 32, MOD, "lift", BO, sent_time=T + 50, seq=2),
    ModEntry(b"c" * 32, MOD, "timeout", BO, until=T + 300, sent_time=T + 200, seq=3),
    ModEntry(b"d" * 32, MOD, "channel", channel_id=GENERAL, slowmode=0, locked=True,
             sent_time=T + 400, seq=4),
    ModEntry(b"e" * 32, MOD, "channel", channel_id=GENERAL, slowmode=60, locked=False,
             sent_time=T + 500, seq=5),
    ModEntry(b"f" * 32, MOD, "ban", CY, reason="spam", sent_time=T + 600, seq=6),
    ModEntry(b"g" * 32, MOD, "unban", CY, sent_time=T + 700, seq=7),
    ModEntry(b"h" * 32, MOD, "ban", CY, sent_time=T + 800, seq=8),
]
TIMES = [T - 1, T, T + 49, T + 50, T + 199, T + 200, T + 299, T + 300, T + 450, T + 520,
         T + 900]


def _verdicts(state: ModState) -> list[tuple[str | None, ...]]:
    out = []
    for t in TIMES:
        out.append((state.verdict("member", BO, Post("x"), t, lambda _c: None),
                    state.verdict("member", BO, Reaction(b"x" * 32, "👍"), t, lambda _c: None),
                    state.verdict("member", CY, Post("x"), t, lambda _c, t=t: t - 10),
                    state.verdict("moderator", CY, Post("x"), t, lambda _c, t=t: t - 10)))
    return out


def test_the_verdicts_do_not_depend_on_the_order_actions_arrived_in() -> None:
    want = _verdicts(ModState(list(LOG)))
    rng = random.Random(7)
    for _ in range(40):
        shuffled = LOG[:]
        rng.shuffle(shuffled)
        state = ModState()
        for e in shuffled:
            state.add(e)
            state.add(e)          # a replay changes nothing
        assert _verdicts(state) == want
        assert list(state.banned()) == [CY]


def test_timeouts_lifts_locks_and_slow_mode_use_signed_times() -> None:
    state = ModState(list(LOG))
    timed = [state.timed_out_until(BO, t) for t in TIMES]
    assert timed == [None, T + 100, T + 100, None, None, T + 300, T + 300, None, None, None,
                     None]
    assert state.rule(GENERAL, T + 450) == (0, True)
    assert state.rule(GENERAL, T + 520) == (60, False)
    member_post = state.verdict("member", CY, Post("x"), T + 450, lambda _c: None)
    assert member_post == "the channel is locked"
    assert state.verdict("admin", CY, Post("x"), T + 450, lambda _c: None) is None
    assert state.verdict("member", CY, Post("x"), T + 520, lambda _c: T + 500) == \
        "slow mode allows one post every 60 seconds"
    assert state.verdict("member", CY, Post("x"), T + 520, lambda _c: T + 400) is None
    assert state.verdict("member", BO, Post("x"), T + 250, lambda _c: None).startswith(
        "timed out until")


def test_each_action_reads_as_one_line() -> None:
    names = {MOD: "Ana", BO: "Bo", CY: "Cy"}
    lines = [describe(e, lambda ik: names.get(ik or b"", "someone")) for e in LOG]
    assert lines[0].startswith("Ana timed out Bo until ") and lines[0].endswith(": cool")
    assert lines[1] == "Ana lifted the timeout of Bo"
    assert lines[3] == "Ana locked General; slow mode off"
    assert lines[4] == "Ana unlocked General; slow mode 60 s"
    assert lines[5] == "Ana banned Cy: spam"
    remove = ModEntry(b"i" * 32, MOD, "remove", BO, b"p" * 32, reason="spam", sent_time=T)
    assert describe(remove, lambda ik: names.get(ik or b"", "?")) == \
        "Ana removed a post by Bo: spam"
    assert list(itertools.islice(ModState(list(LOG)).entries, 1))[0].action == "timeout"
