"""The window's language: Qt translations for ui/ strings, QLocale for dates and numbers, and
right-to-left layout for right-to-left languages.

The language is COTERIE_LANG when set (e.g. `de`, `ar_EG`), else the system's (LANGUAGE,
LC_ALL, LC_MESSAGES, LANG, as QLocale.system() reads them). Coterie's own strings come from
ui/translations/coterie_<lang>.qm (built from the .ts sources by `make translations`,
shipped as package data); the standard buttons and dialogs Qt draws come from Qt's own
qtbase_<lang>.qm in PySide6. A language without a Coterie translation still gets its
dates, digits and layout direction; the words stay English.
"""
from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtGui import QGuiApplication

from app import i18n as app_i18n
from ui import timefmt

ENV_LANG = "COTERIE_LANG"
TRANSLATIONS = Path(str(resources.files("ui").joinpath("translations")))


def chosen_locale(environ: dict[str, str] | None = None) -> QLocale:
    env = os.environ if environ is None else environ
    name = env.get(ENV_LANG, "").strip()
    return QLocale(name) if name else QLocale.system()


def available() -> list[str]:
    """Languages Coterie ships a translation for ("de", ...)."""
    return sorted(p.stem.split("_", 1)[1] for p in TRANSLATIONS.glob("coterie_*.qm"))


def install(app: QCoreApplication, locale: QLocale | None = None) -> list[QTranslator]:
    """Use `locale` (default: chosen_locale()) for the whole app; returns the translators
    installed (kept alive by `app` as their parent)."""
    locale = locale or chosen_locale()
    QLocale.setDefault(locale)
    timefmt.locale_changed()
    app_i18n.use_language(locale.name())   # the app's own sentences in the same language
    write_times_as_the_window()
    installed = []
    for name, where in (("coterie", str(TRANSLATIONS)),
                        ("qtbase", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))):
        translator = QTranslator(app)
        if translator.load(locale, name, "_", where):
            app.installTranslator(translator)
            installed.append(translator)
    if isinstance(app, QGuiApplication):
        app.setLayoutDirection(Qt.LayoutDirection.RightToLeft
                               if locale.textDirection() == Qt.LayoutDirection.RightToLeft
                               else Qt.LayoutDirection.LeftToRight)
    return installed


def write_times_as_the_window() -> None:
    """The app's own sentences shown in the window (a timeout's end in the moderation log
    and in the conversation) write their moments with timefmt.moment: the locale's short
    date and time, like every other date the window shows, rather than the terminal's
    YYYY-MM-DD HH:MM. The main window asks for it too, so it holds however the window
    was started."""
    app_i18n.use_time_format(timefmt.moment)
