"""The operator-facing words of `coterie-relay` (its --help, its start line and its refusals
of a bad configuration) in the operator's language, with the standard library's gettext.

The relay's own catalogue is relay/locale/<lang>/LC_MESSAGES/coterie-relay.mo (built with
the app's by `make translations`, shipped as package data); the relay never reads the
app's. The language is COTERIE_LANG when set, else gettext's choice from LANGUAGE, LC_ALL,
LC_MESSAGES and LANG. The HTTP API's JSON errors stay English: they are for programs.
"""
from __future__ import annotations

import argparse
import gettext
import os
from functools import lru_cache
from importlib import resources

DOMAIN = "coterie-relay"
ENV_LANG = "COTERIE_LANG"
LOCALE_DIR = str(resources.files("relay").joinpath("locale"))


@lru_cache(maxsize=1)
def catalogue() -> gettext.NullTranslations:
    chosen = os.environ.get(ENV_LANG, "").strip()
    languages = [chosen, chosen.split("_")[0]] if chosen else None
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=languages, fallback=True)


def _(message: str) -> str:
    return catalogue().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return catalogue().ngettext(singular, plural, n)


def argparse_in_language() -> None:
    """argparse's own words ("usage:", "options", its errors) from this catalogue as well:
    argparse looks them up through its module-level `_` and `ngettext` as it prints."""
    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]
