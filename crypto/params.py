"""Protocol parameters (docs/protocol.md, §4 "Parameters"). Changing one changes the spec."""
from __future__ import annotations

PROTOCOL_VERSION = 1
# Members' roles, highest first (what each may do: crypto/governance.py).
ROLE_OWNER = "owner"          # the founder, or whom ownership was handed to (one at most)
ROLE_ADMIN = "admin"
ROLE_MODERATOR = "moderator"
ROLE_MEMBER = "member"
ROLE_OBSERVER = "observer"    # reads and reacts, cannot post
ROLES = (ROLE_OWNER, ROLE_ADMIN, ROLE_MODERATOR, ROLE_MEMBER, ROLE_OBSERVER)
# Every envelope the relay sees is exactly one of these lengths (largest fits the relay cap).
BUCKETS = (1024, 4096, 16384, 65536)
# A sender-key or epoch-key message carries one ~290-byte entry per member; 150 keeps it
# inside the 64 KiB bucket with room to spare.
MAX_MEMBERS = 150
# At an epoch start the relay sees as many envelopes, and key messages as long, as for
# the next of these member counts, whatever the group's size below it (spec §5.7).
MEMBER_BUCKETS = (8, 16, 32, 64, MAX_MEMBERS)
# Old-epoch messages from remaining members are accepted if sealed at most this long
# after the control entry that ended the epoch.
GRACE_SECONDS = 3600
# How long a superseded epoch's mailbox keeps being read (offline members catch up).
OLD_EPOCH_KEEP_SECONDS = 7 * 24 * 3600
ROTATE_AFTER_SECONDS = 7 * 24 * 3600
ROTATE_AFTER_MESSAGES = 1000
HEARTBEAT_SECONDS = 3600
# Skipped message keys kept per sender chain, and for how long.
MAX_SKIP = 256
SKIPPED_KEY_SECONDS = 7 * 24 * 3600
# Missing sequence numbers remembered per sender chain (gap and fork bookkeeping).
MAX_MISSING = 4 * MAX_SKIP
# Message ids remembered per sender chain, to tell a replay from a fork.
RECENT_IDS = 32
# Envelopes held back waiting for their sender's chain key, per group.
MAX_PENDING = 2048
# Of those, at most this many from senders who are not (yet) members: a removed member
# can claim any control head, so these must stay few.
MAX_HELD_UNKNOWN = 64
MAX_NAME_BYTES = 200
MAX_RELAY_URL_BYTES = 512
MAX_JOIN_REQUESTS = 100
MAX_INVITE_USES = 1000
MAX_LINK_CHARS = 2048
# An admin keeps the record of a dead invite this long after it expired (late requests
# are then refused as expired rather than unknown).
INVITE_RECORD_KEEP_SECONDS = 30 * 24 * 3600
# Every invite mailbox is created to expire this long after the invite was made, whatever
# the invite's own expiry (which the admin's client enforces), so the relay does not learn
# it; it is also the longest an invite may last. Equal to the relay's default cap.
INVITE_MAILBOX_SECONDS = 30 * 24 * 3600
# Content payload limits (a post must fit the 64 KiB bucket with its header).
MAX_TEXT_BYTES = 32_000
MAX_EMOJI_BYTES = 64
# Largest payload a pairwise box may carry.
MAX_PAIRWISE_PAYLOAD = 60_000
# Signed prekeys: a new one this often; old secrets deleted after; at most this many kept.
PREKEY_ROTATE_SECONDS = 7 * 24 * 3600
PREKEY_KEEP_SECONDS = 28 * 24 * 3600
MAX_PREKEYS = 16
