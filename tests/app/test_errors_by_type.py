"""Decisions about errors follow their types, never their text or the module they live in."""
from __future__ import annotations

from collections.abc import Callable

import pytest

import crypto
from app.api import Services
from app.errors import AppError, InviteError
from crypto.errors import InviteExpired
from tests.e2e.harness import RelayProcess
from ui.worker import error_sentence


class ElsewhereError(AppError):
    """An app error defined outside app/ (a plugin, a test): still the app's own sentence."""


def test_the_user_sees_an_app_errors_sentence_wherever_it_is_defined() -> None:
    assert error_sentence(ElsewhereError("The relay is full; try later.")) == \
        "The relay is full; try later."
    foreign = type("ApproxError", (Exception,), {"__module__": "approx"})("internal detail")
    assert error_sentence(foreign) == "The operation failed unexpectedly; please try again."


def test_only_an_expired_invite_is_reported_as_expired(
        make_profile: Callable[[str], Services], relay: RelayProcess,
        monkeypatch: pytest.MonkeyPatch) -> None:
    ana, ben = make_profile("Ana"), make_profile("Ben")
    gid = ana.groups.create("Garden", relay.url).id
    link = ana.invites.create(gid).link
    ana.sync_once()

    def refuse(*_args: object) -> object:
        raise crypto.InviteError("the bundle was not expired but forged")

    monkeypatch.setattr(crypto, "open_invite_bundle", refuse)
    with pytest.raises(InviteError) as bad:
        ben.invites.join(link)
    assert "This invite has expired" not in str(bad.value)

    def expired(*_args: object) -> object:
        raise InviteExpired("lifetime over")

    monkeypatch.setattr(crypto, "open_invite_bundle", expired)
    with pytest.raises(InviteError, match="This invite has expired"):
        ben.invites.join(link)
