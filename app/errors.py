"""The one error root of app/: every failure a user can meet is an AppError.

    AppError                      str(err) is one sentence a person can act on
    ├── ProfileError              no profile, already exists, locked, wrong passphrase/code
    ├── NotFound                  unknown group, post, member, invite or request
    ├── Ambiguous                 a name matches more than one group or member
    ├── NotAllowed                not an admin, not your post, removed from the group
    ├── InviteError               bad, revoked, expired or used-up link
    ├── InvalidInput              empty text, bad duration, bad relay URL
    └── RelayUnavailable          the relay could not be reached (posts still wait)

Errors from crypto/, sync/ and the store are mapped to these at the services boundary so
the CLI and the UI never see a foreign exception or a traceback.
"""
from __future__ import annotations


class AppError(Exception):
    """Root of every error app/ raises; the message is one user-facing sentence."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ProfileError(AppError):
    exit_code = 3


class NotFound(AppError):
    exit_code = 4


class Ambiguous(AppError):
    exit_code = 4


class NotAllowed(AppError):
    exit_code = 5


class PinsFull(NotAllowed):
    """A channel holds `limit` pins already (crypto.spaces.MAX_PINS): unpin one first."""

    def __init__(self, message: str, limit: int) -> None:
        super().__init__(message)
        self.limit = limit


class InviteError(AppError):
    exit_code = 6


class InvalidInput(AppError):
    exit_code = 2


class RelayUnavailable(AppError):
    exit_code = 7
