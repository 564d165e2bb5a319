"""Messages of app/ and the CLI in the user's language, with the standard library's gettext.

The catalogue is app/locale/<lang>/LC_MESSAGES/coterie.mo (compiled from the .po beside it
by `make translations`, shipped as package data). The language is COTERIE_LANG when set,
else gettext's own choice from LANGUAGE, LC_ALL, LC_MESSAGES and LANG, as the window's Qt
translations choose (ui/i18n.py). Without a catalogue for it the text stays English.
Mark a message with `_("...")` (one literal, placeholders as `{name}` filled after the
lookup) or `ngettext(singular, plural, n)`; a message kept in a constant is marked with
`N_("...")` and translated where it is used, `_(CONSTANT)`.
"""
from __future__ import annotations

import argparse
import gettext
import os
import time
from collections.abc import Callable
from functools import lru_cache
from importlib import resources

DOMAIN = "coterie"
ENV_LANG = "COTERIE_LANG"
LOCALE_DIR = str(resources.files("app").joinpath("locale"))


_window_language: str | None = None


def use_language(name: str | None) -> None:
    """Speak `name` (a locale name such as "de_DE") whatever the environment says, or
    follow the environment again with None. The window calls this with the language it
    chose for Qt (ui/i18n.py), so its own words and the app's (timeline notes, warnings,
    errors) are always one language."""
    global _window_language
    _window_language = name
    catalogue.cache_clear()


@lru_cache(maxsize=1)
def catalogue() -> gettext.NullTranslations:
    chosen = _window_language or os.environ.get(ENV_LANG, "").strip()
    languages = [chosen, chosen.split("_")[0]] if chosen else None
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=languages, fallback=True)


def language() -> str:
    """The language the messages are in ("de"; "en" without a catalogue), for documents
    that state it (an export's <html lang>)."""
    return catalogue().info().get("language", "en").replace("_", "-") or "en"


def N_(message: str) -> str:  # noqa: N802  (gettext's name for "translated later")
    """Mark a message for the catalogue without translating it yet."""
    return message


def _(message: str) -> str:
    return catalogue().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return catalogue().ngettext(singular, plural, n)


_time_format: Callable[[int], str] | None = None


def use_time_format(fmt: Callable[[int], str] | None) -> None:
    """Write a moment inside the app's sentences with `fmt` (the window passes its own,
    the user's locale through QLocale), or as the terminal does again with None."""
    global _time_format
    _time_format = fmt


def local_time(ts: int) -> str:
    """A moment in local time, for a sentence shown now ("… until 2026-12-01 03:02"):
    built when shown, never stored, so each member reads it in their own time zone."""
    if _time_format is not None:
        return _time_format(int(ts))
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(int(ts)))


def language_changed() -> None:
    """Read the environment again on the next message (tests switch languages)."""
    catalogue.cache_clear()


def argparse_in_language() -> None:
    """Let argparse's own words ("usage:", "options", "positional arguments", its error
    sentences) come from this catalogue too, so `coterie --help` is one language.

    argparse looks each of them up at the moment it prints, through its module-level `_`
    and `ngettext` (gettext's process-wide domain, which knows neither COTERIE_LANG nor our
    catalogue); pointing those two at this module's functions is all it takes. The German
    for them sits in coterie.po beside our own messages (ui/i18n_build.py ARGPARSE_MESSAGES).
    """
    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]
