"""Invite links from strangers: the relay address in a link follows the same rules as one
typed in the settings, and the client can say where a link points before contacting it."""
from __future__ import annotations

import os
from collections.abc import Callable

import pytest

from app.api import Services
from app.errors import InvalidInput, InviteError
from app.profile import normalise_relay_url, relay_address_kind, relay_host
from crypto.invite import format_invite_link


def link_to(relay_url: str) -> str:
    return format_invite_link(relay_url, os.urandom(32), os.urandom(32))


@pytest.mark.parametrize("url", [
    "http://user:secret@relay.example.org",       # sent as Basic auth
    "http://relay.example.org/?x=",               # swallows the API path
    "http://relay.example.org/#frag",
    "http://relay.example.org/a/../../admin",
    "http://relay.example.org/%2e%2e/admin",
    "http://relay.example.org//double",
    "http://relay.example.org:99999",
    "ftp://relay.example.org",
    "http://relay.example.org\\@evil.example",
])
def test_hostile_relay_addresses_are_refused_in_links_and_settings(
        make_profile: Callable[[str], Services], url: str) -> None:
    ana = make_profile("Ana")
    with pytest.raises(InviteError):
        ana.invites.check_link(link_to(url))
    with pytest.raises(InviteError):
        ana.invites.join(link_to(url))
    with pytest.raises(InvalidInput):
        ana.settings.update(default_relay=url)
    assert ana.invites.joins() == []


def test_a_link_in_an_unusual_form_is_refused_not_rewritten(
        make_profile: Callable[[str], Services]) -> None:
    ana = make_profile("Ana")
    assert normalise_relay_url("https://relay.example.org/coterie/") == \
        "https://relay.example.org/coterie"
    with pytest.raises(InviteError):
        ana.invites.check_link(link_to("https://relay.example.org/coterie/"))


@pytest.mark.parametrize(("url", "kind"), [
    ("http://127.0.0.1:8765", "this computer"),
    ("http://127.1", "this computer"),
    ("http://2130706433", "this computer"),
    ("http://[::1]:8080", "this computer"),
    ("http://localhost", "this computer"),
    ("http://0.0.0.0", "this computer"),
    ("http://10.1.2.3", "your local network"),
    ("http://192.168.0.10", "your local network"),
    ("http://[::ffff:192.168.0.10]", "your local network"),
    ("http://printer.local", "your local network"),
    ("http://169.254.169.254", "a link-local address"),
    ("http://[fe80::1]", "a link-local address"),
    ("https://relay.example.org", None),
    ("https://8.8.8.8", None),
])
def test_private_loopback_and_link_local_hosts_are_recognised(url: str, kind: str | None) -> None:
    assert relay_address_kind(url) == kind


def test_the_link_check_shows_the_host_and_warns_unless_it_is_the_configured_relay(
        make_profile: Callable[[str], Services]) -> None:
    ana = make_profile("Ana")
    metadata = ana.invites.check_link(link_to("http://169.254.169.254:8080"))
    assert (metadata.host, metadata.local, metadata.warn) == \
        ("169.254.169.254:8080", "a link-local address", True)
    ana.settings.update(default_relay="http://127.0.0.1:8765")
    own = ana.invites.check_link(link_to("http://127.0.0.1:8765"))
    assert own.configured and own.local == "this computer" and not own.warn
    other_port = ana.invites.check_link(link_to("http://127.0.0.1:9999"))
    assert other_port.warn and not other_port.configured
    public = ana.invites.check_link(link_to("https://relay.example.org"))
    assert not public.warn and public.host == "relay.example.org"
    assert relay_host("http://[::1]:80/x") == "[::1]:80"
