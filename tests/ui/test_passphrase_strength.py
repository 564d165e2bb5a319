"""The passphrase hint judges passphrases as people expect (zxcvbn underneath): several
unrelated words are strong, leaked passwords and their usual disguises are not."""
from __future__ import annotations

import pytest

from ui.passphrase_strength import strength


@pytest.mark.parametrize("passphrase", [
    "correct horse battery staple",
    "saffron kettle under the stairs",
    "mariposa azul lenta bajo",
    "Ana walks the long river road",
])
def test_a_few_unrelated_words_are_strong(passphrase: str) -> None:
    s = strength(passphrase)
    assert s.acceptable and s.score >= 3, (passphrase, s)


@pytest.mark.parametrize("passphrase", [
    "password123", "qwertyuiop", "12345678", "1qaz2wsx3edc", "iloveyou", "trustno1trustno1",
    "aaaaaaaaaaaa", "abcdefghij",
])
def test_leaked_passwords_and_keyboard_walks_are_refused(passphrase: str) -> None:
    s = strength(passphrase)
    assert not s.acceptable and s.score == 0, (passphrase, s)


@pytest.mark.parametrize("passphrase", [
    "P@ssw0rd!", "iloveyou2024", "dragon42", "Lisa1985", "coterie2026", "Tr0ub4dour&3",
])
def test_disguised_common_passwords_are_weak_at_best(passphrase: str) -> None:
    s = strength(passphrase)
    assert s.score <= 2, (passphrase, s)


def test_long_random_characters_are_strong() -> None:
    assert strength("xk7#Qp9@mL2v").score == 4


def test_short_is_refused_before_anything_else() -> None:
    s = strength("Zq9!x")
    assert (s.score, s.label, s.acceptable) == (0, "Too short", False)


def test_a_passphrase_longer_than_zxcvbn_checks_is_still_judged() -> None:
    long = "saffron kettle under the stairs " * 5
    assert strength(long).acceptable and strength(long).score == 4


def test_the_hint_pushes_for_more_words_until_strong() -> None:
    assert "word" in strength("dragon42").hint
    assert "safe" in strength("correct horse battery staple").hint
