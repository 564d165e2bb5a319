"""Argument types for the CLI: every value a person types is checked before anything opens.

A command line is input like any other: numbers are ASCII digits of bounded length (int()
would take full-width digits and choke on thousands of them), durations go through the
same rules as in the app, and text must be valid UTF-8 (Python hands undecodable bytes on
as lone surrogates that nothing downstream can store).
"""
from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Sequence

from app.errors import InvalidInput
from app.i18n import _
from app.profile import parse_duration

_NUMBER = re.compile(r"[0-9]{1,9}", re.ASCII)
# Integers longer than this are refused by their length, before conversion.
MAX_DIGITS = 9


def count(what: str, minimum: int = 1) -> Callable[[str], int]:
    """A whole number of at least `minimum` (ranges beyond that are the services' rule)."""
    def parse(text: str) -> int:
        digits = text.strip()
        if not _NUMBER.fullmatch(digits):
            raise argparse.ArgumentTypeError(
                (_("{what} must be a whole number written with the digits 0-9 and at most 9 "
                   "of them") if digits.isdigit() else
                 _("{what} must be a whole number written with the digits 0-9")).format(
                    what=what))
        value = int(digits)
        if value < minimum:
            raise argparse.ArgumentTypeError(
                _("{what} must be at least {minimum}").format(what=what, minimum=minimum))
        return value
    return parse


def duration(text: str) -> int:
    """Seconds of a DURATION such as 90m, 72h or 3d."""
    try:
        return parse_duration(text)
    except InvalidInput as exc:
        raise argparse.ArgumentTypeError(str(exc).rstrip(".")) from exc


def reference(text: str) -> str:
    """A GROUP, POST, MEMBER, INVITE, REQUEST or LINK: an empty one would match anything
    by prefix, or (for a reply's POST) silently mean none."""
    if not text.strip():
        raise argparse.ArgumentTypeError(_("cannot be empty"))
    return text


def profile_path(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError(_("the profile directory cannot be empty"))
    return text


def not_utf8(values: Sequence[str]) -> int | None:
    """The 1-based position of the first value that was not valid UTF-8, or None."""
    for position, value in enumerate(values, 1):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return position
    return None
