"""crypto/ refuses in English literals; a German user reads every refusal in German: the
error of an action crypto/ does not allow, the rule a rejected post broke, and the warning
about messages every member's app ignored. crypto/'s own text stays English (its codes)."""
from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

import crypto
from app import i18n
from app.api import Services
from app.cli_posts import post_text
from app.errors import InviteError, NotAllowed
from app.reasons import explain, reason_text
from tests.app.test_channels import _club, _forge, _sync, _warnings
from tests.app.test_services_governance import _join
from tests.e2e.harness import RelayProcess

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def german(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("COTERIE_LANG", "de")
    i18n.language_changed()
    yield
    monkeypatch.delenv("COTERIE_LANG")
    i18n.language_changed()


def test_an_action_crypto_refuses_is_explained_in_german(
        make_profile: Callable[[str], Services], relay: RelayProcess, german: None) -> None:
    (ana, ben), gid = _club(make_profile, relay, ("Ana", "Ben"))
    cy = make_profile("Cy")
    _join(ana, cy, gid, role="observer")
    with pytest.raises(NotAllowed) as refused:
        cy.posts.post(gid, "can I talk?")
    assert str(refused.value) == "Ein Beobachter kann nicht schreiben."
    with pytest.raises(InviteError) as bad:
        ben.invites.join("coterie://join#1.x")
    assert str(bad.value) == "Der Einladungslink ist fehlerhaft."


def test_crypto_refusals_with_numbers_are_filled_after_translation(german: None) -> None:
    exc = crypto.NotAllowed("a group has at most {count} members and linked devices", count=50)
    assert str(exc) == "a group has at most 50 members and linked devices"   # crypto: English
    assert explain(exc) == "eine Gruppe hat höchstens 50 Mitglieder und verknüpfte Geräte"
    assert reason_text("a rule this version does not know") == "a rule this version does not know"


def test_a_rejected_post_and_ignored_changes_read_in_german(
        make_profile: Callable[[str], Services], relay: RelayProcess,
        monkeypatch: pytest.MonkeyPatch) -> None:
    (ana, ben, cy), gid = _club(make_profile, relay)
    news = ana.channels.create(gid, "News", "announcements")
    _sync([ana, ben, cy])
    _forge(ben, gid, crypto.ChannelDef(b"\x42" * 16, 0, "Ben's channel"))
    _forge(ben, gid, crypto.Post("Fake announcement", channel=bytes.fromhex(news.id)))
    monkeypatch.setenv("COTERIE_LANG", "de")
    i18n.language_changed()
    try:
        _sync([ana, cy])
        warnings = " ".join(_warnings(cy, gid))
        assert ("Eine Kanaländerung von Ben wurde ignoriert: nur Admins können Kanäle erstellen "
                "oder ändern.") in warnings, warnings
        assert ("Ein Beitrag von Ben wurde abgelehnt: nur Admins und Moderatoren können in "
                "einem Ankündigungskanal schreiben.") in warnings, warnings
        fake = next(p for p in cy.posts.latest(gid, channel="News").posts if p.rejected)
        assert ("(abgelehnt: nur Admins und Moderatoren können in einem Ankündigungskanal schreiben)"
                in post_text(fake)), post_text(fake)
    finally:
        monkeypatch.delenv("COTERIE_LANG")
        i18n.language_changed()
    assert "(rejected: only admins and moderators can post in an announcements channel)" in post_text(fake)


def test_names_and_relay_places_are_german_whole(german: None) -> None:
    from app.errors import InvalidInput
    from app.names import check_name, shown_name
    from app.profile import relay_address_kind

    with pytest.raises(InvalidInput) as empty:
        check_name("  ")
    assert str(empty.value).startswith("Dein Name ")
    assert relay_address_kind("http://127.0.0.1:8765") == "auf diesem Computer"
    assert relay_address_kind("http://printer.local") == "in deinem lokalen Netzwerk"
    assert shown_name("\u200b") == "Unbenannt"


def test_a_refusal_returned_with_its_numbers_is_translated_and_filled(german: None) -> None:
    from crypto.errors import reason

    why = reason("a member links at most {count} devices", count=5)
    assert why == "a member links at most 5 devices"     # crypto's own text: English
    assert reason_text(why) == "ein Mitglied verknüpft höchstens 5 Geräte"
    assert explain(crypto.NotAllowed(why)) == "ein Mitglied verknüpft höchstens 5 Geräte"


def test_sync_sentences_read_in_german_and_the_relays_own_stay_as_written(german: None) -> None:
    from app.admin import sentence
    from sync.errors import RelayUnreachable, rejected_for

    assert sentence(RelayUnreachable("The relay cannot be reached.")) == \
        "Das Relay ist nicht erreichbar."
    assert sentence(rejected_for(400, "mailbox id must be 32 bytes", None)) == \
        "Mailbox id must be 32 bytes."


def test_sync_sentences_with_values_are_translated_then_filled(german: None) -> None:
    # a status code or field name inside sync/'s sentence survives str() and the connection
    # state's detail, and the German is filled with it
    from app.reasons import sync_text
    from sync.errors import RelayProtocolError, RelayUnreachable

    unreachable = RelayUnreachable("The relay answered with an error (HTTP {status}).",
                                   status=502)
    assert str(unreachable) == "The relay answered with an error (HTTP 502)."
    assert sync_text(str(unreachable)) == \
        "Das Relay hat mit einem Fehler geantwortet (HTTP 502)."
    lacking = RelayProtocolError("The relay's answer lacks a valid '{name}' field.",
                                 name="cursor")
    assert sync_text(f"{lacking}") == "In der Antwort des Relays fehlt ein gültiges Feld „cursor“."
    assert sync_text("The relay's own words.") == "The relay's own words."
