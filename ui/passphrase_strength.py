"""A passphrase strength hint from zxcvbn (Dropbox's estimator, Python port), honest about
what it means.

The passphrase wraps the store key with Argon2id (slow to guess), but a short or common
one still falls to a dictionary attack on a stolen laptop, so the hint pushes for length.
zxcvbn knows leaked-password lists, common words and names, keyboard walks, dates,
repeats and l33t substitutions, and it scores several unrelated words as strong (so
"correct horse battery staple" is fine and "P@ssw0rd2024" is not). A passphrase of the
most-guessed kind (zxcvbn's score 0) is refused outright; anything else may be used.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from zxcvbn import zxcvbn

MIN_LENGTH = 8
MAX_CHECKED = 72  # zxcvbn's own limit; a longer passphrase is judged by its first 72 characters
# Words an attacker who knows the target would try first.
CONTEXT_WORDS = ("coterie", "Coterie")


@dataclass(frozen=True)
class Strength:
    score: int        # 0 weak .. 4 strong
    label: str        # "Too short", "Weak", "Fair", "Good", "Strong"
    hint: str         # what to do next, one sentence
    acceptable: bool  # may be used at all



def strength(text: str) -> Strength:
    if len(text) < MIN_LENGTH:
        return Strength(0, QCoreApplication.translate("PassphraseStrength", "Too short"), QCoreApplication.translate("PassphraseStrength", "Use at least 8 characters; "
                                                 "a few unrelated words work best."), False)
    score = int(zxcvbn(text[:MAX_CHECKED], user_inputs=list(CONTEXT_WORDS))["score"])
    if score == 0:
        return Strength(0, QCoreApplication.translate("PassphraseStrength", "Too easy to guess"), QCoreApplication.translate("PassphraseStrength",
            "This is a common password or pattern that is guessed first; "
            "use a few unrelated words instead."), False)
    if score == 1:
        return Strength(1, QCoreApplication.translate("PassphraseStrength", "Weak"), QCoreApplication.translate("PassphraseStrength",
            "Common words, names, dates and keyboard patterns are guessed early; "
            "add another unrelated word or two."), True)
    if score == 2:
        return Strength(2, QCoreApplication.translate("PassphraseStrength", "Fair"), QCoreApplication.translate("PassphraseStrength", "Good start; one more unrelated word makes it "
                                            "strong."), True)
    if score == 3:
        return Strength(3, QCoreApplication.translate("PassphraseStrength", "Good"), QCoreApplication.translate("PassphraseStrength", "Hard to guess. Keep it somewhere safe."), True)
    return Strength(4, QCoreApplication.translate("PassphraseStrength", "Strong"), QCoreApplication.translate("PassphraseStrength", "Very hard to guess. Keep it somewhere safe."), True)
