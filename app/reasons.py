"""crypto/'s refusal sentences in the user's language.

crypto/ refuses in English literals (its stable codes, see crypto/errors.py): an error's
`reason` with its `params`, or a refusal reason carried as a value (a rejected post's rule,
why every member's app refused a message). They are translated here, where app/ turns
them into what a person reads; `make translations` collects them from crypto/ into
coterie.po, and the catalogue test checks each has its German. A sentence the catalogue
does not know (a newer rule, or one with its numbers already filled in) stays English.
"""
from __future__ import annotations

from collections.abc import Mapping

import crypto
from app.i18n import _, ngettext
from crypto.errors import Refusal
from sync.errors import Sentence


def reason_text(reason: str, params: Mapping[str, object] | None = None) -> str:
    """A crypto/ reason (placeholders unfilled, or a filled `Refusal`) in the user's
    language, filled in."""
    if isinstance(reason, Refusal) and not params:
        reason, params = reason.reason, reason.params
    if not reason:
        return reason
    text = _(reason)
    if not params:
        return text
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):  # a translation that lost a placeholder
        return reason.format(**params)


def sync_text(text: str) -> str:
    """A sentence of sync/ (an error's, a connection state's detail) in the user's language,
    its numbers and names filled in (sync.errors.Sentence); a relay's own sentence stays as
    the relay wrote it."""
    if isinstance(text, Sentence):
        try:
            return _(text.template).format(**text.params)
        except (KeyError, IndexError, ValueError):  # a translation that lost a placeholder
            return str.__str__(text)
    return _(text) if text else text


def explain(exc: crypto.CryptoError) -> str:
    """Why crypto/ refused, as one sentence in the user's language (no full stop)."""
    reason = getattr(exc, "reason", "")
    return reason_text(reason, getattr(exc, "params", None)) if reason else str(exc)


def integrity_text(ev: crypto.IntegrityWarning) -> str:
    """An integrity warning (a gap, a fork, a replay...) in the user's language."""
    params = dict(ev.params)
    if ev.kind == crypto.WARNING_GAP and "name" in params:
        if ev.tail:
            text = ngettext("{n} message from {name} did not reach you.",
                            "{n} messages from {name} did not reach you.", ev.count)
        else:
            text = ngettext("{n} message from {name} is missing.",
                            "{n} messages from {name} are missing.", ev.count)
        return text.format(n=ev.count, name=params["name"])
    return reason_text(ev.reason or ev.detail, params)
