"""Display names are text from other people: clean them, isolate them, tell look-alikes apart.

A name is chosen by its owner and shown beside text it does not control (a sender line, a
search row, a notification). Three rules keep it from lying:

- `clean_name` removes what cannot be seen or what reorders its neighbours: bidi controls
  (U+202A..U+202E, U+2066..U+2069, LRM/RLM/ALM), format characters (category Cf), control
  characters (Cc), line/paragraph separators, private-use, surrogates and unassigned code
  points, and default-ignorable fillers (Hangul fillers, variation selectors with nothing
  to select, the Braille blank). Runs of spaces become one. Letters, marks, digits,
  punctuation and symbols of every script stay. ZWJ (U+200D) stays between two visible
  characters, where emoji sequences and Indic conjuncts need it; ZWNJ (U+200C) stays
  between two letters, where Persian and Indic spelling needs it. Anywhere else both go.
- `isolate` wraps a name in FSI…PDI, so a right-to-left name (or one ending in digits or
  punctuation) cannot swap places with the text beside it. The CLI's plain output isolates
  names too: a terminal that lays out bidi text needs the isolates, one that does not
  shows them as nothing.
- `skeleton` folds a name to what it looks like (NFKC, case-folded, marks dropped,
  common Cyrillic/Greek/digit look-alikes mapped to Latin, spaces and punctuation gone);
  `lookalike_keys` finds members whose skeletons collide so each gets `short_tag` of its
  fingerprint beside the name. The table is small on purpose: the tag is a hint to
  compare safety numbers, and the fingerprint stays the truth.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping

from app.errors import InvalidInput
from app.i18n import _

MAX_NAME = 100
FSI = "\u2068"  # first strong isolate
PDI = "\u2069"  # pop directional isolate
ZWJ = "\u200d"
ZWNJ = "\u200c"

# Categories that never belong in a name: controls, format characters (bidi controls,
# zero-width spaces, tags), separators that break lines, private use, surrogates, unassigned.
_DROP_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})
# Visible-looking nothing: fillers that are letters or symbols by category.
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u17b4\u17b5\u180e")
# Variation selectors only mean something after a visible base character.
_SELECTORS = frozenset(chr(c) for c in [*range(0xFE00, 0xFE10), *range(0x180B, 0x1810),
                                        *range(0xE0100, 0xE01F0)])

# Latin letters and digits that other scripts draw the same way (after case folding, so
# capital I and small l, which most fonts draw alike, both fold to i) (a subset of Unicode's
# confusables.txt covering the letters of names that get spoofed in practice).
_CONFUSABLE = str.maketrans({
    "а": "a", "в": "b", "е": "e", "ё": "e", "һ": "h", "і": "i", "ї": "i", "ј": "j",
    "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t", "у": "y",
    "х": "x", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "i", "ɡ": "g", "ı": "i",
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ϲ": "c", "ϳ": "j", "ѵ": "v",
    "0": "o", "1": "i", "|": "i", "l": "i", "5": "s", "ß": "ss",
})


def _visible(ch: str) -> bool:
    return ch not in _FILLERS and ch not in _SELECTORS and ch not in (ZWJ, ZWNJ) \
        and unicodedata.category(ch) not in _DROP_CATEGORIES and not ch.isspace()


def clean_name(text: str) -> str:
    """The name as it may be shown: invisible and reordering characters removed, spaces
    collapsed; "" when nothing visible is left. Never raises on any str."""
    if not isinstance(text, str):
        return ""
    chars = list(unicodedata.normalize("NFC", text))
    kept: list[str] = []
    for i, ch in enumerate(chars):
        if ch.isspace() and unicodedata.category(ch) not in ("Zl", "Zp"):
            kept.append(" ")
            continue
        if ch in (ZWJ, ZWNJ):
            before = kept[-1] if kept else ""
            after = chars[i + 1] if i + 1 < len(chars) else ""
            if before and after and _visible(before) and _visible(after) and (
                    ch == ZWJ or (before.isalpha() and after.isalpha())):
                kept.append(ch)
            continue
        if ch in _SELECTORS:
            if kept and _visible(kept[-1]):
                kept.append(ch)
            continue
        if ch in _FILLERS or unicodedata.category(ch) in _DROP_CATEGORIES:
            continue
        kept.append(ch)
    name = " ".join("".join(kept).split())
    return name if any(_visible(c) and not unicodedata.category(c).startswith("M")
                       for c in name) else ""


def check_name(text: str, what: str | None = None) -> str:
    """Clean a name someone is setting; InvalidInput (one sentence) when it is empty
    after cleaning or longer than MAX_NAME characters."""
    name = clean_name(text)
    what = what or _("Your name")
    if not name:
        raise InvalidInput(_('{what} needs at least one visible letter, digit or symbol.').format(what=what))
    if len(name) > MAX_NAME:
        raise InvalidInput(_('{what} can be at most {MAX_NAME} characters.').format(what=what, MAX_NAME=MAX_NAME))
    return name


def shown_name(text: str, fallback: str | None = None) -> str:
    """A received name as the app shows it: cleaned, `fallback` ("Unnamed") when nothing
    is left."""
    return clean_name(text)[:MAX_NAME] or (_("Unnamed") if fallback is None else fallback)


def isolate(name: str) -> str:
    """The name wrapped in FSI…PDI, for display beside other text."""
    return f"{FSI}{name}{PDI}"


def skeleton(name: str) -> str:
    """What a name looks like, for comparison only (never shown)."""
    folded = unicodedata.normalize("NFKC", clean_name(name)).casefold()
    bare = "".join(c for c in unicodedata.normalize("NFD", folded)
                   if not unicodedata.category(c).startswith("M"))
    mapped = bare.translate(_CONFUSABLE).replace("rn", "m").replace("vv", "w")
    return "".join(c for c in mapped if c.isalnum())


def lookalike_keys(names: Mapping[str, str] | Iterable[tuple[str, str]]) -> set[str]:
    """Keys (e.g. fingerprints) whose names look like another key's name."""
    pairs = names.items() if isinstance(names, Mapping) else names
    seen: dict[str, list[str]] = {}
    for key, name in pairs:
        seen.setdefault(skeleton(name) or name, []).append(key)
    return {k for keys in seen.values() if len(set(keys)) > 1 for k in keys}


def short_tag(fingerprint: str) -> str:
    """The first four hex digits of a fingerprint, e.g. "3fa9": enough to tell two
    look-alike names apart at a glance (the safety number is the real check)."""
    return "".join(c for c in fingerprint.lower() if c in "0123456789abcdef")[:4]


def label(name: str, fingerprint: str, lookalike: bool) -> str:
    """A member's name as listed: with its short tag when another name looks the same."""
    return f"{name} ({short_tag(fingerprint)})" if lookalike else name
