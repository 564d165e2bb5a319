"""A passphrase strength hint: a rough guess-count estimate, honest about what it means.

The passphrase wraps the store key with Argon2id (slow to guess), but a short or common
one still falls to a dictionary attack on a stolen laptop, so the hint pushes for length.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

MIN_LENGTH = 8
_COMMON = {"password", "passwort", "123456", "qwerty", "letmein", "welcome", "iloveyou",
           "admin", "monkey", "dragon", "coterie", "secret", "abc123", "111111", "sunshine"}


@dataclass(frozen=True)
class Strength:
    score: int        # 0 weak .. 4 strong
    label: str        # "Too short", "Weak", "Fair", "Good", "Strong"
    hint: str         # what to do next, one sentence
    acceptable: bool  # may be used at all


def estimate_bits(text: str) -> float:
    if not text:
        return 0.0
    pool = 0
    if re.search(r"[a-z]", text):
        pool += 26
    if re.search(r"[A-Z]", text):
        pool += 26
    if re.search(r"\d", text):
        pool += 10
    if re.search(r"[^A-Za-z0-9]", text):
        pool += 33
    # repeated characters and runs add little
    distinct_ratio = len(set(text)) / len(text)
    effective = len(text) * (0.5 + 0.5 * distinct_ratio)
    bits = effective * math.log2(max(pool, 2))
    lowered = text.lower()
    if any(word in lowered for word in _COMMON):
        bits *= 0.4
    if re.fullmatch(r"(.)\1*", text) or re.fullmatch(r"\d+", text):
        bits *= 0.3
    return bits


def strength(text: str) -> Strength:
    if len(text) < MIN_LENGTH:
        return Strength(0, "Too short", f"Use at least {MIN_LENGTH} characters; "
                        "a few unrelated words work best.", False)
    bits = estimate_bits(text)
    if bits < 40:
        return Strength(1, "Weak", "Add another word or two to make it much harder to guess.",
                        True)
    if bits < 60:
        return Strength(2, "Fair", "Good start; one more unrelated word makes it strong.", True)
    if bits < 80:
        return Strength(3, "Good", "Hard to guess. Keep it somewhere safe.", True)
    return Strength(4, "Strong", "Very hard to guess. Keep it somewhere safe.", True)
