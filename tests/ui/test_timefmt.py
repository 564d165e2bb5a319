"""Times, dates and counts in the window follow the locale (QLocale), and the day words
come from the translations."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from PySide6.QtCore import QLocale

from ui import timefmt

NOW = datetime(2026, 11, 30, 20, 37).timestamp()  # a Monday, local time
DAY = 86400


@pytest.fixture
def locale(qapp) -> Iterator[callable]:
    saved = QLocale()

    def use(name: str) -> None:
        QLocale.setDefault(QLocale(name))
        timefmt.locale_changed()

    yield use
    QLocale.setDefault(saved)
    timefmt.locale_changed()


def test_english_reads_like_a_messenger(locale) -> None:
    locale("en_US")
    assert timefmt.clock(int(NOW)) == "8:37\u202fPM" or timefmt.clock(int(NOW)) == "8:37 PM"
    assert timefmt.day_label(int(NOW), NOW) == "Today"
    assert timefmt.day_label(int(NOW - DAY), NOW) == "Yesterday"
    assert timefmt.day_label(int(NOW - 3 * DAY), NOW) == "Friday"
    assert timefmt.day_label(int(NOW - 30 * DAY), NOW) == "Saturday, October 31, 2026"
    assert timefmt.list_time(int(NOW - 2 * DAY), NOW) == "Sat"
    assert timefmt.list_time(int(NOW - 30 * DAY), NOW) == "10/31"
    assert timefmt.full(int(NOW)).startswith("Monday, November 30, 2026, 8:37")
    assert timefmt.until(NOW + 3 * DAY, NOW) == "in 3 days"
    assert timefmt.until(NOW + 60, NOW) == "in 1 minute"
    assert timefmt.until(NOW - 1, NOW) == "expired"
    assert timefmt.number(1234567) == "1,234,567"


def test_german_day_and_month_names_date_order_and_24_hours(locale) -> None:
    locale("de_DE")
    assert timefmt.clock(int(NOW)) == "20:37"
    assert timefmt.day_label(int(NOW - 3 * DAY), NOW) == "Freitag"
    assert timefmt.day_label(int(NOW - 30 * DAY), NOW) == "Samstag, 31. Oktober 2026"
    assert timefmt.list_time(int(NOW - 30 * DAY), NOW) == "31.10."
    assert timefmt.list_time(int(NOW - 300 * DAY), NOW) == "03.02.26"
    assert timefmt.number(1234567) == "1.234.567"


def test_arabic_uses_its_digits_and_names(locale) -> None:
    locale("ar_EG")
    assert timefmt.day_label(int(NOW - 3 * DAY), NOW) == "الجمعة"
    assert timefmt.number(12) == "١٢"
    assert "٣" in timefmt.until(NOW + 3 * DAY, NOW)


def test_the_c_locale_spells_months_rather_than_three_numbers(locale) -> None:
    locale("C")
    assert timefmt.list_time(int(NOW - 300 * DAY), NOW) == "3 Feb 2026"
    assert timefmt.list_time(int(NOW - 30 * DAY), NOW) == "31 Oct"
    assert timefmt.moment(int(NOW)) == "30 Nov 2026, 20:37"   # not "30 11 2026"


def test_same_day_key_for_the_same_local_day() -> None:
    morning = datetime(2026, 11, 30, 0, 5).timestamp()
    assert timefmt.day_key(int(morning)) == timefmt.day_key(int(NOW))
    assert timefmt.day_key(int(morning) - 600) == timefmt.day_key(int(NOW)) - 1


def test_the_window_writes_a_timeouts_end_in_its_locale(qapp) -> None:  # noqa: ANN001
    """The moderation line "… until …" is built when shown: in the window, with the
    locale's short date and time in local time (not UTC); back to the terminal's form after."""
    from PySide6.QtCore import Qt

    from app import i18n as app_i18n
    from app.moderation_log import ModEntry, describe
    from ui import i18n

    until = int(NOW) + 7200
    entry = ModEntry(b"i" * 32, b"a" * 32, "timeout", b"b" * 32, until=until, sent_time=int(NOW))
    names = {b"a" * 32: "Ana", b"b" * 32: "Bo"}
    saved = QLocale()
    installed = i18n.install(qapp, QLocale("de_DE"))
    try:
        line = describe(entry, lambda ik: names.get(ik or b"", "?"))
        assert "Ana" in line and "Bo" in line, line
        assert "30.11.26" in line and "22:37" in line and "UTC" not in line, line
    finally:
        for translator in installed:
            qapp.removeTranslator(translator)
        QLocale.setDefault(saved)
        timefmt.locale_changed()
        app_i18n.use_language(None)
        app_i18n.use_time_format(None)
        qapp.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    assert "2026-11-30 22:37" in describe(entry, lambda ik: names.get(ik or b"", "?"))
