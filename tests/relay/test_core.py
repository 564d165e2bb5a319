"""The mailbox core on an in-memory database with an injected clock."""
from __future__ import annotations

import pytest

from crypto.relay_wire import KIND_GROUP, KIND_INVITE
from relay.core import RelayCore
from relay.errors import BadRequest, Conflict, Forbidden, Gone, NotFound, TooLarge, TooMany
from tests.relay.conftest import FakeClock, make_core
from tests.relay.wire import append_sig, cap, close_proof, create_sig, read_proof

A = cap("a")
pytestmark = pytest.mark.usefixtures("backend")   # every test on SQLite and on PostgreSQL


def create(core: RelayCore, c=A, kind: int = KIND_GROUP, expires_at: int = 0) -> bool:
    return core.create(c.mailbox, c.write_pk, c.read_pk, kind, expires_at,
                       create_sig(c, kind, expires_at))


def append(core: RelayCore, bodies: list[bytes], c=A) -> list[int]:
    return core.append(c.mailbox, bodies, [append_sig(c, b) for b in bodies])


def test_create_is_idempotent_for_the_same_keys(core: RelayCore) -> None:
    assert create(core) is True
    assert create(core) is False


def test_create_with_other_keys_conflicts(core: RelayCore) -> None:
    create(core)
    other = cap("other")
    forged = type(A)(A.mailbox, other.write_seed, other.read_seed)
    with pytest.raises(Conflict):
        create(core, forged)


def test_create_needs_the_write_key_signature(core: RelayCore) -> None:
    with pytest.raises(Forbidden):
        core.create(A.mailbox, A.write_pk, A.read_pk, KIND_GROUP, 0, create_sig(cap("x")))


def test_cursors_start_at_one_and_increase_per_mailbox(core: RelayCore) -> None:
    B = cap("b")
    create(core)
    create(core, B)
    assert append(core, [b"1", b"2"]) == [1, 2]
    assert append(core, [b"x"], B) == [1]
    assert append(core, [b"3"]) == [3]


def test_a_retried_append_gets_its_original_cursor_and_no_duplicate(core: RelayCore,
                                                                    clock: FakeClock) -> None:
    create(core)
    assert append(core, [b"one", b"two"]) == [1, 2]
    assert append(core, [b"two", b"three", b"three"]) == [2, 3, 3]
    page = core.fetch(A.mailbox, read_proof(A, int(clock())), 0)
    assert page.messages == [(1, b"one"), (2, b"two"), (3, b"three")]


def test_append_refuses_a_signature_by_another_key(core: RelayCore) -> None:
    create(core)
    with pytest.raises(Forbidden):
        core.append(A.mailbox, [b"m"], [append_sig(cap("intruder"), b"m")])
    with pytest.raises(Forbidden):   # a signature over another body
        core.append(A.mailbox, [b"m"], [append_sig(A, b"other")])


def test_append_to_an_unknown_mailbox_is_not_found(core: RelayCore) -> None:
    with pytest.raises(NotFound):
        append(core, [b"m"])


def test_batch_and_envelope_limits(clock: FakeClock) -> None:
    core = make_core(clock, max_batch_items=2, max_envelope_bytes=10)
    create(core)
    with pytest.raises(TooLarge):
        append(core, [b"a", b"b", b"c"])
    with pytest.raises(TooLarge):
        append(core, [b"x" * 11])
    assert append(core, [b"x" * 10]) == [1]


def test_message_quota_then_retention_frees_room(clock: FakeClock) -> None:
    core = make_core(clock, mailbox_max_messages=3, retention_seconds=100)
    create(core)
    append(core, [b"1", b"2", b"3"])
    with pytest.raises(TooMany) as info:
        append(core, [b"4"])
    assert info.value.retry_after >= 1
    assert append(core, [b"3"]) == [3]    # a retry of a stored message still answers
    clock.advance(101)
    assert core.prune().messages == 3
    assert append(core, [b"4"]) == [4]     # cursors never restart after pruning


def test_byte_quota(clock: FakeClock) -> None:
    core = make_core(clock, mailbox_max_bytes=10)
    create(core)
    append(core, [b"x" * 6])
    with pytest.raises(TooMany):
        append(core, [b"y" * 5])
    assert append(core, [b"y" * 4]) == [2]


def test_retention_prunes_only_old_messages(clock: FakeClock) -> None:
    core = make_core(clock, retention_seconds=100)
    create(core)
    append(core, [b"old"])
    clock.advance(60)
    append(core, [b"new"])
    clock.advance(50)
    core.prune()
    page = core.fetch(A.mailbox, read_proof(A, int(clock())), 0)
    assert page.messages == [(2, b"new")]


def test_invite_mailboxes_must_expire_and_are_capped(clock: FakeClock) -> None:
    core = make_core(clock, invite_max_lifetime=1000)
    with pytest.raises(BadRequest):
        create(core, kind=KIND_INVITE, expires_at=0)
    far = int(clock()) + 10**6
    create(core, kind=KIND_INVITE, expires_at=far)
    assert core.storage.get_mailbox(A.mailbox).expires_at == int(clock()) + 1000
    append(core, [b"join"])
    clock.advance(1001)
    with pytest.raises(Gone):
        append(core, [b"late"])
    pruned = core.prune()
    assert (pruned.mailboxes, pruned.messages) == (1, 1)    # its message went with it
    assert core.storage.get_mailbox(A.mailbox) is None


def test_read_proof_is_good_once_and_only_within_the_window(core: RelayCore,
                                                            clock: FakeClock) -> None:
    create(core)
    now = int(clock())
    proof = read_proof(A, now)
    core.fetch(A.mailbox, proof, 0)
    with pytest.raises(Forbidden):
        core.fetch(A.mailbox, proof, 0)
    with pytest.raises(Forbidden):
        core.fetch(A.mailbox, read_proof(A, now - 121), 0)
    with pytest.raises(Forbidden):
        core.fetch(A.mailbox, read_proof(A, now + 121), 0)
    core.fetch(A.mailbox, read_proof(A, now + 120), 0)


def test_read_proof_by_the_write_key_is_refused(core: RelayCore, clock: FakeClock) -> None:
    create(core)
    with pytest.raises(Forbidden):
        core.fetch(A.mailbox, close_proof(A, int(clock())), 0)


def test_nonce_memory_forgets_after_the_window(core: RelayCore, clock: FakeClock) -> None:
    create(core)
    for _ in range(5):
        core.fetch(A.mailbox, read_proof(A, int(clock())), 0)
    assert len(core.nonces) == 5
    old = read_proof(A, int(clock()))
    core.fetch(A.mailbox, old, 0)
    clock.advance(120)                       # still inside the window: still remembered
    core.fetch(A.mailbox, read_proof(A, int(clock())), 0)
    assert len(core.nonces) == 7
    with pytest.raises(Forbidden):
        core.fetch(A.mailbox, old, 0)
    clock.advance(1)                         # the old proofs can no longer pass the time check
    core.fetch(A.mailbox, read_proof(A, int(clock())), 0)
    assert len(core.nonces) == 2


def test_fetch_pages_by_limit(core: RelayCore, clock: FakeClock) -> None:
    create(core)
    append(core, [bytes([i]) for i in range(1, 8)])
    first = core.fetch(A.mailbox, read_proof(A, int(clock())), 0, 3)
    assert [c for c, _ in first.messages] == [1, 2, 3] and first.next == 3 and first.more
    last = core.fetch(A.mailbox, read_proof(A, int(clock())), 6, 3)
    assert [c for c, _ in last.messages] == [7] and last.next == 7 and not last.more
    empty = core.fetch(A.mailbox, read_proof(A, int(clock())), 7, 3)
    assert empty.messages == [] and empty.next == 7 and not empty.more


def test_fetch_pages_by_bytes(clock: FakeClock) -> None:
    core = make_core(clock, fetch_max_bytes=25)
    create(core)
    append(core, [bytes([i]) * 10 for i in range(1, 6)])
    page = core.fetch(A.mailbox, read_proof(A, int(clock())), 0)
    assert [c for c, _ in page.messages] == [1, 2] and page.more


def test_close_needs_the_write_key_then_appends_are_gone(core: RelayCore,
                                                         clock: FakeClock) -> None:
    create(core)
    append(core, [b"m"])
    with pytest.raises(Forbidden):
        core.close(A.mailbox, read_proof(A, int(clock())))
    assert core.close(A.mailbox, close_proof(A, int(clock()))) is True
    with pytest.raises(Gone):
        append(core, [b"after"])
    page = core.fetch(A.mailbox, read_proof(A, int(clock())), 0)
    assert page.closed and page.messages == [(1, b"m")]


def test_closed_mailboxes_are_removed_after_retention(clock: FakeClock) -> None:
    core = make_core(clock, retention_seconds=100)
    create(core)
    core.close(A.mailbox, close_proof(A, int(clock())))
    clock.advance(50)
    assert core.prune().mailboxes == 0
    clock.advance(51)
    assert core.prune().mailboxes == 1


def test_expires_at_in_the_past_is_refused(core: RelayCore, clock: FakeClock) -> None:
    with pytest.raises(BadRequest):
        create(core, expires_at=int(clock()) - 1)


def test_empty_mailboxes_are_removed_only_after_the_idle_time(clock: FakeClock) -> None:
    core = make_core(clock, retention_seconds=100, idle_mailbox_seconds=1000)
    create(core)
    append(core, [b"m"])
    clock.advance(500)
    core.prune()
    assert core.storage.get_mailbox(A.mailbox) is not None
    clock.advance(501)
    assert core.prune().mailboxes == 1
