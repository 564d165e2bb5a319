"""The one error root of relay/: every refusal the relay makes is a RelayError.

    RelayError            .status is the HTTP status, str(err) one sentence for the client
    ├── BadRequest        400 malformed body, wrong types, bad base64, bad field values
    ├── Forbidden         403 bad signature, bad or replayed read proof, clock out of window
    ├── NotFound          404 unknown mailbox (or route)
    ├── RequestTimeout    408 the request body arrived too slowly
    ├── Conflict          409 the mailbox exists with other keys
    ├── Gone              410 the mailbox is closed or expired
    ├── TooLarge          413 body, envelope or batch over the configured limit
    ├── TooMany           429 rate limit or quota; .retry_after seconds
    └── Unavailable       503 the relay cannot store right now (disk full, shutting down)

The adapter turns each into `{"error": str(err)}` with its status; messages never carry a
mailbox id, key, body or address.
"""
from __future__ import annotations


class RelayError(Exception):
    """Root of every refusal the relay makes; `status` is the HTTP status to answer with."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class BadRequest(RelayError):
    status = 400


class Forbidden(RelayError):
    status = 403


class NotFound(RelayError):
    status = 404


class RequestTimeout(RelayError):
    status = 408


class Conflict(RelayError):
    status = 409


class Gone(RelayError):
    status = 410


class TooLarge(RelayError):
    status = 413


class TooMany(RelayError):
    """Too many requests or a quota reached; the client should wait `retry_after` seconds."""

    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))


class Unavailable(RelayError):
    """The relay cannot take writes right now; not the client's fault (503)."""

    status = 503

    def __init__(self, message: str, retry_after: int = 5) -> None:
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))


class ConfigError(Exception):
    """The relay's configuration file or flags are invalid; the message says which setting."""
