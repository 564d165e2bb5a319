"""The one error root of crypto/: every rejection the protocol core makes is a CryptoError.

    CryptoError
    ├── WireError          a relay request field is malformed (crypto.relay_wire)
    ├── DecodeError        bytes that are not a canonical encoding of what was expected
    │   └── VersionError   an unknown or downgraded protocol version
    ├── AuthError          a signature, AEAD tag, MAC or commitment does not check out
    ├── InviteError        an invite link, bundle or join request that cannot be used
    ├── NotAllowed         the operation is not allowed to this member in this state
    └── UnknownMailbox     an envelope for a mailbox this session has no keys for

Messages are one sentence and never contain key material or plaintext.

A message a person may read (why an action or a payload is refused) is an English literal
with `{name}` placeholders filled from keyword arguments: `NotAllowed("a group has at most
{count} members", count=n)`. The literal is the message's stable code: crypto/ speaks no
language, and the app translates `reason` (filled with `params`) where it shows the
sentence (app/reasons.py; `make translations` collects every such literal from crypto/).
A refusal reason returned as a value rather than raised is marked with `reason("...")`;
`reason("... {count} ...", count=n)` fills it in and keeps the sentence and the values.
"""
from __future__ import annotations


class Refusal(str):
    """A refusal sentence with its values filled in that remembers the sentence as written
    (`reason`) and the values (`params`), so it can be translated and filled in again."""

    reason: str
    params: dict[str, object]


def reason(text: str, **params: object) -> str:
    """Mark a refusal sentence a person may read (the app translates it by this text);
    with `params`, the filled sentence, a `Refusal`."""
    if not params:
        return text
    filled = Refusal(text.format(**params))
    filled.reason, filled.params = text, params
    return filled


class CryptoError(Exception):
    """Root of every error crypto/ raises. Subclasses name the failure.

    `reason` is the message as written (placeholders unfilled), `params` what fills them;
    str() is the filled English sentence."""

    def __init__(self, message: str = "", /, **params: object) -> None:
        super().__init__(message.format(**params) if params else message)
        if isinstance(message, Refusal) and not params:
            message, params = message.reason, message.params
        self.reason = message
        self.params = params


class DecodeError(CryptoError):
    """Bytes that are not a canonical encoding: bad length, trailing bytes, bad field."""


class VersionError(DecodeError):
    """A protocol version this client does not speak (unknown or downgraded)."""


class AuthError(CryptoError):
    """A signature, AEAD tag, MAC or commitment failed: the bytes are not authentic."""


class InviteError(CryptoError):
    """An invite link, bundle or join request that cannot be used (bad, expired, used up, revoked)."""


class InviteExpired(InviteError):
    """The invite's lifetime is over."""


class NotAllowed(CryptoError):
    """The operation is not allowed for this member in the session's current state."""


class UnknownMailbox(CryptoError):
    """An envelope for a mailbox this session holds no keys for (never had, or expired)."""


class ChainError(CryptoError):
    """An authentic message that cannot fit its sender's chain (it jumps too far ahead)."""
