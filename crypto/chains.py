"""Per-epoch key schedule and per-sender chains: message keys, skipped keys, gap tracking.

Epoch secret ES → mailbox id, header key, relay write/read seeds, commitment (all keyed
BLAKE2b with the group id and epoch as context). A sender chain advances one step per
sequence number: MK_n = KDF(CK_n, "msg"), CK_{n+1} = KDF(CK_n, "next"); seq 0 is the
sender-key message itself, so chains start at CK_1.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field

from crypto import labels
from crypto.errors import ChainError
from crypto.params import MAX_MISSING, MAX_SKIP, RECENT_IDS, SKIPPED_KEY_SECONDS
from crypto.primitives import kdf

RECENT = RECENT_IDS
_MSG = labels.KDF_CHAIN_MSG
_NEXT = labels.KDF_CHAIN_NEXT


def epoch_context(group_id: bytes, epoch: int) -> bytes:
    return group_id + struct.pack(">I", epoch)


def commitment(es: bytes, group_id: bytes, epoch: int) -> bytes:
    return kdf(es, labels.KDF_COMMIT, epoch_context(group_id, epoch))


@dataclass
class PeerChain:
    """What we know of one sender in one epoch. Mutated only after a message checks out."""

    ck: bytes | None = None
    ck_index: int = 1
    max_seq: int = -1
    reported: int = -1
    missing: dict[int, int] = field(default_factory=dict)        # seq -> noticed at
    skipped: dict[int, tuple[bytes, int]] = field(default_factory=dict)  # seq -> (mk, at)
    recent: dict[int, bytes] = field(default_factory=dict)        # seq -> message id
    claimed_prev: dict[int, bytes] = field(default_factory=dict)  # seq -> id its successor named

    def classify(self, seq: int, msg_id: bytes) -> str:
        """'new', 'replay' or 'fork' for an authentic message at `seq`; ChainError if it
        jumps beyond the skipped-key cap (checked before any key is derived)."""
        if seq <= self.max_seq and seq not in self.missing:
            known = self.recent.get(seq)
            return "fork" if known is not None and known != msg_id else "replay"
        if seq > self.max_seq + 1 + MAX_SKIP:
            raise ChainError("the message skips more messages than a chain may skip")
        return "new"

    def message_key(self, seq: int) -> tuple[bytes, bytes, int, list[tuple[int, bytes]]] | None:
        """(mk, next ck, next index, newly skipped keys) for `seq` without changing state;
        None when the key is gone (already used or expired)."""
        hit = self.skipped.get(seq)
        if hit is not None:
            return hit[0], self.ck or b"", self.ck_index, []
        ck = self.ck
        if ck is None or seq < self.ck_index:
            return None
        new: list[tuple[int, bytes]] = []
        max_seq, missing = self.max_seq, self.missing
        for s in range(self.ck_index, seq):
            if s > max_seq or s in missing:
                new.append((s, kdf(ck, _MSG)))
            ck = kdf(ck, _NEXT)
        return kdf(ck, _MSG), kdf(ck, _NEXT), seq + 1, new

    def commit_key(self, seq: int, ck: bytes, index: int, new: list[tuple[int, bytes]],
                   now: int) -> None:
        """Delete the used key, store the skipped ones (capped, oldest dropped)."""
        if self.skipped.pop(seq, None) is not None:
            return
        self.ck, self.ck_index = ck, index
        for s, mk in new:
            self.skipped[s] = (mk, now)
        if len(self.skipped) > MAX_SKIP:
            for s in sorted(self.skipped)[:len(self.skipped) - MAX_SKIP]:
                del self.skipped[s]

    def advance_past(self, seq: int, now: int) -> None:
        """A non-content message used position `seq`: step the chain past it."""
        if self.ck is None:
            return
        if seq in self.skipped:
            del self.skipped[seq]
        elif seq >= self.ck_index:
            result = self.message_key(seq)
            if result is not None:
                _, ck, index, new = result
                self.commit_key(seq, ck, index, new, now)

    def record(self, seq: int, prev_id: bytes, msg_id: bytes, now: int) -> tuple[int, bool]:
        """Note an accepted message. Returns (newly missing count, fork seen)."""
        fork = False
        if seq > 0:
            before = self.recent.get(seq - 1)
            if before is not None and before != prev_id:
                fork = True
        claimed = self.claimed_prev.pop(seq, None)
        if claimed is not None and claimed != msg_id:
            fork = True
        gap = 0
        if seq > self.max_seq + 1:
            start = max(self.max_seq + 1, self.reported + 1)
            for s in range(self.max_seq + 1, seq):
                self.missing[s] = now
            gap = max(0, seq - start)
            self.reported = max(self.reported, seq - 1)
        else:
            self.missing.pop(seq, None)
        if seq > 0 and seq - 1 in self.missing:
            self.claimed_prev[seq - 1] = prev_id
        if seq > self.max_seq:
            self.max_seq = seq
        recent = self.recent
        recent[seq] = msg_id
        recent.pop(seq - RECENT, None)
        if len(recent) > 2 * RECENT:
            for s in sorted(recent)[:-RECENT]:
                del recent[s]
        if len(self.missing) > MAX_MISSING:
            for s in sorted(self.missing)[:len(self.missing) - MAX_MISSING]:
                del self.missing[s]
                self.claimed_prev.pop(s, None)
        return gap, fork

    def tail_claim(self, count: int) -> int:
        """A heartbeat says the sender has sent `count` messages: newly missing tail count."""
        last = count - 1
        known = max(self.max_seq, self.reported)
        if last <= known:
            return 0
        self.reported = last
        return last - known

    def expire(self, now: int) -> None:
        for s in [s for s, (_, at) in self.skipped.items() if now - at > SKIPPED_KEY_SECONDS]:
            del self.skipped[s]
        for s in [s for s, at in self.missing.items() if now - at > SKIPPED_KEY_SECONDS]:
            del self.missing[s]
            self.claimed_prev.pop(s, None)


@dataclass
class EpochState:
    """One epoch's keys and chains. ES itself is not kept: only what is derived from it."""

    epoch: int
    mailbox: bytes
    header_key: bytes
    write_seed: bytes
    read_seed: bytes
    commitment: bytes
    started_at: int
    superseded_at: int = 0
    message_count: int = 0
    my_ck: bytes = b""
    my_seq: int = 1
    my_last_id: bytes = bytes(32)
    peers: dict[bytes, PeerChain] = field(default_factory=dict)

    @classmethod
    def derive(cls, es: bytes, group_id: bytes, epoch: int, started_at: int,
               my_ck: bytes) -> EpochState:
        ctx = epoch_context(group_id, epoch)
        return cls(epoch, kdf(es, labels.KDF_MAILBOX, ctx), kdf(es, labels.KDF_HEADER, ctx),
                   kdf(es, labels.KDF_WRITE, ctx), kdf(es, labels.KDF_READ, ctx),
                   commitment(es, group_id, epoch), started_at, my_ck=my_ck)

    def next_own_key(self) -> tuple[int, bytes]:
        """Our next (seq, message key); advances our chain and forgets the old key."""
        seq, ck = self.my_seq, self.my_ck
        self.my_ck = kdf(ck, _NEXT)
        self.my_seq = seq + 1
        return seq, kdf(ck, _MSG)

    def peer(self, ik: bytes) -> PeerChain:
        chain = self.peers.get(ik)
        if chain is None:
            chain = self.peers[ik] = PeerChain()
        return chain
