"""Backoff, the event-stream parser and the bounded map."""
from __future__ import annotations

import itertools

import pytest

from sync.backoff import Backoff
from sync.dedupe import BoundedMap
from sync.errors import (
    Forbidden,
    MailboxClosed,
    RateLimited,
    RelayOverflow,
    RelayProtocolError,
    RelayRejected,
    SyncError,
    UnknownMailbox,
    rejected_for,
)
from sync.sse import LineSplitter, SSEEvent, SSEParser


def test_backoff_grows_exponentially_within_half_jitter_and_caps() -> None:
    low = Backoff(lambda: 0.0, base=1, cap=8)
    high = Backoff(lambda: 0.999999, base=1, cap=8)
    assert [low.next_delay() for _ in range(6)] == [0.5, 1, 2, 4, 4, 4]
    assert [round(high.next_delay(), 3) for _ in range(6)] == [1, 2, 4, 8, 8, 8]


def test_backoff_reset_starts_over_and_retry_after_is_a_floor() -> None:
    values = itertools.cycle([0.5])
    backoff = Backoff(lambda: next(values), base=1, cap=30)
    for _ in range(5):
        backoff.next_delay()
    backoff.reset()
    assert backoff.next_delay() == 0.75
    assert backoff.next_delay(at_least=10) == 10


def test_backoff_rejects_nonsense_parameters() -> None:
    with pytest.raises(ValueError):
        Backoff(lambda: 0.0, base=0)


def test_sse_parser_handles_events_comments_and_multiline_data() -> None:
    parser = SSEParser()
    lines = [": ping", "", "event: message", 'data: {"a":', "data: 1}", "",
             "event: synced", "data:{}", "", "data: plain", ""]
    events = [e for e in map(parser.feed, lines) if e is not None]
    assert events == [SSEEvent("message", '{"a":\n1}'), SSEEvent("synced", "{}"),
                      SSEEvent("message", "plain")]


def test_line_splitter_ends_lines_at_lf_crlf_and_cr_across_chunks() -> None:
    lines = LineSplitter(max_line=16)
    chunks = [b"event: a\r", b"\ndata: 1\n\r", b"\n", b"da", b"ta: 2\rdata: 3\r\n\n"]
    got = [line for chunk in chunks for line in lines.feed(chunk)]
    assert got == ["event: a", "data: 1", "", "data: 2", "data: 3", ""]


def test_line_splitter_and_parser_refuse_what_exceeds_their_caps() -> None:
    lines = LineSplitter(max_line=8)
    assert lines.feed(b"12345678\n") == ["12345678"]
    lines.feed(b"1234")
    with pytest.raises(RelayOverflow):
        lines.feed(b"56789")
    with pytest.raises(RelayProtocolError):
        LineSplitter(max_line=8).feed(b"\xff\n")
    parser = SSEParser(max_event=10)
    assert parser.feed("data: 1234") is None
    with pytest.raises(RelayOverflow):
        parser.feed("data: 56789")


def test_bounded_map_evicts_the_oldest_entry() -> None:
    seen: BoundedMap[str, int] = BoundedMap(2)
    seen.put("a", 1)
    seen.put("b", 2)
    seen.put("c", 3)
    assert "a" not in seen and seen.get("c") == 3 and len(seen) == 2


def test_relay_statuses_map_to_the_error_tree() -> None:
    assert isinstance(rejected_for(403, "bad"), Forbidden)
    assert isinstance(rejected_for(404, "x"), UnknownMailbox)
    assert isinstance(rejected_for(410, "x"), MailboxClosed)
    limited = rejected_for(429, "slow down", 3.0)
    assert isinstance(limited, RateLimited) and limited.retry_after == 3.0 and limited.retryable
    other = rejected_for(400, "Bad request.")
    assert type(other) is RelayRejected and other.status == 400
    assert isinstance(other, SyncError) and str(other) == "Bad request."
