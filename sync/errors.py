"""The one error root of sync/: everything the network path can fail with is a SyncError.

    SyncError                   str(err) is one sentence
    ├── RelayUnreachable        connect/read failure, timeout, broken stream, 5xx (retry later)
    ├── ReadCancelled           the caller cancelled a bounded read
    ├── RelayProtocolError      the relay answered outside the v1 API shape
    │   └── RelayOverflow       it sent more than a v1 answer may hold (bytes, items, pages)
    └── RelayRejected           any 4xx; .status; str(err) is the relay's own error sentence
        ├── Forbidden           403 bad signature or read proof (check the clock)
        ├── UnknownMailbox      404 the relay does not know the mailbox
        ├── MailboxConflict     409 the mailbox exists with other keys
        ├── MailboxClosed       410 closed or expired
        ├── TooLarge            413 envelope or batch over the relay's limit
        └── RateLimited         429; .retry_after seconds (from Retry-After, else None)

httpx errors are mapped to these in sync/transport.py and never escape it.

sync/ writes its sentences in English literals (the relay's own sentences, carried by
RelayRejected, are the relay's); the app translates them where a person reads them
(app/reasons.py), and `make translations` collects every literal given to these classes or
marked with `sentence("...")`.
"""
from __future__ import annotations


def sentence(text: str) -> str:
    """Mark a sentence a person may read that is not an error's message (a state's detail)."""
    return text


class Sentence(str):
    """An English sentence filled in from its literal and values, remembering both (also
    through str() and a connection state's detail), so the app can look the literal up in
    its catalogue and fill in the translation."""

    template: str
    params: dict[str, object]

    def __new__(cls, template: str, params: dict[str, object]) -> Sentence:
        filled = super().__new__(cls, template.format(**params))
        filled.template = template
        filled.params = params
        return filled


class SyncError(Exception):
    """Root of every error sync/ raises."""

    retryable = False

    def __init__(self, message: str, **params: object) -> None:
        # with `params`, `message` is the English literal with its placeholders unfilled
        self.message = Sentence(message, params) if params else message
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class RelayUnreachable(SyncError):
    """The relay could not be reached or did not answer properly; retrying later may work."""

    retryable = True


class RelayProtocolError(SyncError):
    """The relay's answer does not follow the v1 API (treated as retryable: relays restart)."""

    retryable = True


class RelayOverflow(RelayProtocolError):
    """The relay sent more than a v1 answer may hold: an answer or stream line over its byte
    cap, more messages than asked for, pages without end. The read is abandoned unfinished
    (memory stays bounded) and the app is told the relay misbehaved."""


class ReadCancelled(SyncError):
    """The caller cancelled a bounded read (e.g. the member closed the join dialog)."""


class RelayRejected(SyncError):
    """The relay refused the request with a 4xx answer; repeating it unchanged will not help."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class Forbidden(RelayRejected):
    pass


class UnknownMailbox(RelayRejected):
    pass


class MailboxConflict(RelayRejected):
    pass


class MailboxClosed(RelayRejected):
    pass


class TooLarge(RelayRejected):
    pass


class RateLimited(RelayRejected):
    """Too many requests; wait `retry_after` seconds (None when the relay did not say)."""

    retryable = True

    def __init__(self, message: str, status: int = 429, retry_after: float | None = None) -> None:
        super().__init__(message, status)
        self.retry_after = retry_after


_BY_STATUS: dict[int, type[RelayRejected]] = {
    403: Forbidden,
    404: UnknownMailbox,
    409: MailboxConflict,
    410: MailboxClosed,
    413: TooLarge,
}


def rejected_for(status: int, message: str, retry_after: float | None = None) -> RelayRejected:
    """The RelayRejected subclass for a 4xx status, carrying the relay's sentence."""
    if status == 429:
        return RateLimited(message, status, retry_after)
    return _BY_STATUS.get(status, RelayRejected)(message, status)
