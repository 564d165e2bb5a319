"""Every domain-separation label in one registry (docs/protocol.md mirrors this table).

KDF_* and HASH_* are BLAKE2b `person` strings (16 bytes exactly). SIG_* start every
signed input, so a signature made for one purpose never verifies for another. The relay
labels live in crypto.relay_wire and are listed in the spec with these.
"""
from __future__ import annotations


def _person(text: str) -> bytes:
    raw = text.encode("ascii")
    if len(raw) > 16:
        raise ValueError("a BLAKE2b person label is at most 16 bytes")
    return raw.ljust(16, b"\x00")


# keyed derivations: BLAKE2b(key=secret, person=label, data=context)
KDF_MAILBOX = _person("cot/ep/mailbox")
KDF_HEADER = _person("cot/ep/header")
KDF_WRITE = _person("cot/ep/write")
KDF_READ = _person("cot/ep/read")
KDF_COMMIT = _person("cot/ep/commit")
KDF_CHAIN_MSG = _person("cot/chain/msg")
KDF_CHAIN_NEXT = _person("cot/chain/next")
KDF_INV_MAILBOX = _person("cot/inv/mailbox")
KDF_INV_WRITE = _person("cot/inv/write")
KDF_INV_READ = _person("cot/inv/read")
KDF_INV_KEY = _person("cot/inv/key")
KDF_INV_MAC = _person("cot/inv/mac")
KDF_INV_ID = _person("cot/inv/id")
KDF_FILE_STREAM = _person("cot/file/stream")
KDF_FILE_READ = _person("cot/file/read")
KDF_LINK_MAILBOX = _person("cot/link/mailbox")
KDF_LINK_WRITE = _person("cot/link/write")
KDF_LINK_READ = _person("cot/link/read")
KDF_LINK_KEY = _person("cot/link/key")
KDF_LINK_XFER = _person("cot/link/xfer")

# plain hashes: BLAKE2b(person=label, data=input)
HASH_MESSAGE_ID = _person("cot/msg-id")
HASH_BODY = _person("cot/body")
HASH_PLAINTEXT = _person("cot/plaintext")
HASH_CONTROL = _person("cot/control")
HASH_FINGERPRINT = _person("cot/fingerprint")
HASH_SAFETY = _person("cot/safety")
HASH_SAS = _person("cot/join-sas")
HASH_REQUEST_ID = _person("cot/request-id")
HASH_FILE_BLOB = _person("cot/file/blob")
HASH_DEVICE_ID = _person("cot/device-id")
HASH_RULES = _person("cot/rules")
HASH_LINK_WORDS = _person("cot/link/words")

# signed inputs: label ‖ fields
SIG_ENVELOPE = b"coterie/v1/envelope\x00"
SIG_CONTROL = b"coterie/v1/control\x00"
SIG_EPOCH_KEY = b"coterie/v1/epoch-key\x00"
SIG_SENDER_KEY = b"coterie/v1/sender-key\x00"
SIG_PREKEY = b"coterie/v1/prekey\x00"
SIG_BUNDLE = b"coterie/v1/invite-bundle\x00"
SIG_JOIN = b"coterie/v1/join-request\x00"
SIG_WELCOME = b"coterie/v1/welcome\x00"
SIG_PAIRWISE = b"coterie/v1/pairwise\x00"
SIG_POLL_TALLY = b"coterie/v1/poll-tally\x00"
SIG_DEVICE_CERT = b"coterie/v1/device-cert\x00"
SIG_READ_SYNC = b"coterie/v1/read-sync\x00"
SIG_GROUP_HANDOFF = b"coterie/v1/group-handoff\x00"
SIG_REPORT_KEY = b"coterie/v1/report-key\x00"

# first bytes of an anonymous poll's sealed ballot (boxed, not signed; crypto/polls.py)
BALLOT = b"coterie/v1/ballot\x00"

# MAC input label for the join request's proof of the invite secret
MAC_JOIN = b"coterie/v1/join-mac\x00"

ALL_PERSONS = {name: value for name, value in globals().items()
               if name.startswith(("KDF_", "HASH_"))}
ALL_SIGNED = {name: value for name, value in globals().items()
              if name.startswith(("SIG_", "MAC_"))}
