"""How times and numbers read in the app: local time, short, with day labels like a
messenger, all in the user's language through QLocale (day and month names, date order,
12/24-hour clock, digits) and Qt translations (the words "Today", "Yesterday", "in 3 days").

The locale is QLocale()'s default: the system's, or the one ui/i18n.py installed for the
language the user chose. The cached labels are cleared by `locale_changed()`.
"""
from __future__ import annotations

import re
import time
from functools import lru_cache

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLocale, QObject

_YEAR = re.compile(r"y+")
_LEADING = re.compile(r"^[^A-Za-z']+")
_TRAILING = re.compile(r"(\s*'[^']*'\s*|[\s,/\-]+)+$")



class TimeWords(QObject):
    """The plural phrases (lupdate finds numerus forms only in QObject.tr calls, and takes
    their context from the class they are written in)."""

    def days(self, n: int) -> str:
        return self.tr("in %Ln days", "", n)

    def hours(self, n: int) -> str:
        return self.tr("in %Ln hours", "", n)

    def minutes(self, n: int) -> str:
        return self.tr("in %Ln minutes", "", n)


_PLURALS = TimeWords()


def _when(ts: int) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(ts))


def _today(now: float | None) -> QDate:
    return _when(int(time.time() if now is None else now)).date()


@lru_cache(maxsize=4096)
def clock(ts: int) -> str:
    """"14:05" (or "2:05 PM" where the locale says so)."""
    return QLocale().toString(_when(ts).time(), QLocale.FormatType.ShortFormat)


@lru_cache(maxsize=4096)
def day_key(ts: int) -> int:
    """A number that is equal for two times on the same local day."""
    return _when(ts).date().toJulianDay()


def day_label(ts: int, now: float | None = None) -> str:
    """"Today", "Yesterday", the weekday within a week, else the locale's long date."""
    day = _when(ts).date()
    delta = day.daysTo(_today(now))
    if delta == 0:
        return QCoreApplication.translate("TimeFormat", "Today")
    if delta == 1:
        return QCoreApplication.translate("TimeFormat", "Yesterday")
    locale = QLocale()
    if 1 < delta < 7:
        return locale.dayName(day.dayOfWeek(), QLocale.FormatType.LongFormat)
    return locale.toString(day, QLocale.FormatType.LongFormat)


C_SHORT_DATE = "d MMM yyyy"  # the C/POSIX locale's own ("d MM yyyy") reads as three numbers


def _short_date(locale: QLocale) -> str:
    if locale.language() == QLocale.Language.C:
        return C_SHORT_DATE
    return locale.dateFormat(QLocale.FormatType.ShortFormat)


@lru_cache(maxsize=16)
def _short_date_without_year(name: str) -> str:
    """The locale's short date format with the year taken out ("M/d", "dd.MM.")."""
    fmt = _LEADING.sub("", _YEAR.sub("", _short_date(QLocale(name))))
    return _TRAILING.sub("", fmt) or "d MMM"


def list_time(ts: int, now: float | None = None) -> str:
    """The time shown next to a group: clock today, weekday this week, else a date."""
    if ts <= 0:
        return ""
    day = _when(ts).date()
    delta = day.daysTo(_today(now))
    if delta == 0:
        return clock(ts)
    locale = QLocale()
    if 0 < delta < 7:
        return locale.dayName(day.dayOfWeek(), QLocale.FormatType.ShortFormat)
    if delta >= 180:
        return locale.toString(day, _short_date(locale))
    return locale.toString(day, _short_date_without_year(locale.name()))


def full(ts: int) -> str:
    """For tooltips and screen readers: "Saturday, 21 November 2026, 14:05"."""
    locale, when = QLocale(), _when(ts)
    return QCoreApplication.translate("TimeFormat", "{date}, {time}").format(
        date=locale.toString(when.date(), QLocale.FormatType.LongFormat),
        time=locale.toString(when.time(), QLocale.FormatType.ShortFormat))


def moment(ts: int) -> str:
    """A date and time in a sentence ("01.12.26, 03:02" or "12/1/26, 3:02 AM"): the
    locale's short date and time (the app's sentences use it, app/i18n.py local_time; the
    C locale spells the month, as list_time does)."""
    locale, when = QLocale(), _when(ts)
    return QCoreApplication.translate("TimeFormat", "{date}, {time}").format(
        date=locale.toString(when.date(), _short_date(locale)),
        time=locale.toString(when.time(), QLocale.FormatType.ShortFormat))


def until(ts: int, now: float | None = None) -> str:
    """"in 3 days", "in 5 hours", "expired"."""
    left = ts - (time.time() if now is None else now)
    if left <= 0:
        return QCoreApplication.translate("TimeFormat", "expired")
    if left >= 2 * 86400 - 1800:
        days = round(left / 86400)
        return _PLURALS.days(days)
    if left >= 2 * 3600 - 300:
        hours = round(left / 3600)
        return _PLURALS.hours(hours)
    minutes = max(1, int(left // 60))
    if minutes == 1:
        return QCoreApplication.translate("TimeFormat", "in 1 minute")
    return _PLURALS.minutes(minutes)


def number(n: int) -> str:
    """A count as the locale writes it ("1,234", "1.234", "١٬٢٣٤")."""
    return QLocale().toString(int(n))


def locale_changed() -> None:
    """Forget labels cached for the previous locale."""
    clock.cache_clear()
    _short_date_without_year.cache_clear()
