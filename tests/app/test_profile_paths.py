"""Profile dir resolution, durations and relay addresses as a person types them."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import InvalidInput
from app.profile import default_profile_dir, normalise_relay_url, parse_duration


def test_explicit_profile_wins_over_environment(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("COTERIE_HOME", str(tmp_path / "env"))
    assert default_profile_dir(tmp_path / "cli") == tmp_path / "cli"


def test_coterie_home_overrides_platform_dir(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("COTERIE_HOME", str(tmp_path / "env"))
    assert default_profile_dir(None) == tmp_path / "env"


def test_platform_dir_is_the_fallback(monkeypatch) -> None:
    monkeypatch.delenv("COTERIE_HOME", raising=False)
    assert default_profile_dir(None).name == "coterie"


@pytest.mark.parametrize("text,seconds", [("90m", 5400), ("72h", 259200), ("3d", 259200),
                                          ("1w", 604800), ("12", 43200), (" 45 s ", 45)])
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "h", "-3h", "0h", "3y", "31d", "1.5h"])
def test_bad_durations_are_one_sentence(text: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_duration(text)
    assert str(err.value).endswith(".") and "\n" not in str(err.value)


def test_relay_urls_are_normalised() -> None:
    assert normalise_relay_url(" http://127.0.0.1:8765/ ") == "http://127.0.0.1:8765"


@pytest.mark.parametrize("url", ["relay.example", "ftp://x", "http://", "https://u:p@x",
                                 "http://x/?q=1", "http://x/#frag"])
def test_bad_relay_urls_are_refused(url: str) -> None:
    with pytest.raises(InvalidInput):
        normalise_relay_url(url)
