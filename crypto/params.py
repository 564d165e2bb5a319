"""Protocol parameters (docs/protocol.md, "Parameters"). Changing one changes the spec."""
from __future__ import annotations

PROTOCOL_VERSION = 1
# Every envelope the relay sees is exactly one of these lengths (largest fits the relay cap).
BUCKETS = (1024, 4096, 16384, 65536)
# A sender-key or epoch-key message carries one ~322-byte box per member; 150 keeps it
# inside the 64 KiB bucket with room to spare.
MAX_MEMBERS = 150
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
# Envelopes held back waiting for their sender's chain key, per epoch.
MAX_PENDING = 2048
MAX_NAME_BYTES = 200
MAX_JOIN_REQUESTS = 100
MAX_INVITE_USES = 1000
