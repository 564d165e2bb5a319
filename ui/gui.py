"""Starting the desktop app: open the profile (first run or unlock), then the main window.

`Startup` is the sequence as an object so tests can drive it with any Services; `run_gui`
adds the QApplication, the real Services for a profile directory and the event loop.
"""
from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QSettings, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.errors import AppError
from app.i18n import _
from app.views import ProfileState, Settings, UnlockInfo
from ui.context import AppContext
from ui.desktop_offer import offer_desktop_entry
from ui.dialogs.first_run import FirstRunDialog
from ui.dialogs.unlock import UnlockDialog
from ui.events import EventBridge
from ui.i18n import install as install_translations
from ui.main_window import MainWindow
from ui.single_instance import SingleInstance
from ui.theme import THEME_CHOICES, ThemeController, app_icon
from ui.worker import Worker

if TYPE_CHECKING:
    from app.api import Services

log = logging.getLogger(__name__)
THEME_KEY = "theme"  # in window.ini: the theme the unlock dialog uses


class Startup(QObject):
    """First run or unlock, then the main window. Emits `ready(MainWindow)` or `cancelled`."""

    ready = Signal(object)
    cancelled = Signal()
    failed = Signal(str)

    def __init__(self, services: Services, worker: Worker, theme: ThemeController,
                 default_relay: str = "", join_link: str | None = None,
                 parent: QObject | None = None, profile_dir: Path | None = None) -> None:
        super().__init__(parent)
        self.profile_dir = profile_dir  # where the window remembers its size (None: nowhere)
        # Size, sidebar width and the theme, outside the encrypted store: the unlock dialog
        # shows before the store (and its settings) can be read, in the theme last used.
        self.window_state: QSettings | None = None
        if profile_dir is not None:
            self.window_state = QSettings(str(profile_dir / "window.ini"),
                                          QSettings.Format.IniFormat)
        self.services = services
        self.worker = worker
        self.theme = theme
        self.default_relay = default_relay
        self.join_link = join_link
        self.dialog: QWidget | None = None
        self.window: MainWindow | None = None

    def begin(self) -> None:
        if self.window_state is not None:
            last = self.window_state.value(THEME_KEY)
            if isinstance(last, str) and last in THEME_CHOICES:
                self.theme.apply(last)
        svc = self.services
        self.worker.run(lambda: (svc.profile.state(), svc.profile.keyring_available()), self._state,
                        self._fatal, slow=True)

    def hand_over(self, link: str) -> None:
        """Another `coterie` start for this profile: show the window, join if it gave a link."""
        if self.window is None:
            if link:
                self.join_link = link  # used once the profile is open
            if self.dialog is not None:
                _raise(self.dialog)
            return
        _raise(self.window)
        if link:
            self.window.join_group(link)

    def _fatal(self, exc: BaseException) -> None:
        self.failed.emit(str(exc) if isinstance(exc, AppError) else
                         _("Coterie could not open its profile."))

    def _state(self, answer: tuple[ProfileState, bool]) -> None:
        state, keyring = answer
        if state is ProfileState.NEW:
            dialog = FirstRunDialog(self.services, self.worker, keyring)
            self._show_dialog(dialog)
        elif state is ProfileState.LOCKED:
            svc = self.services
            self.worker.run(svc.profile.unlock_info, lambda info: self._locked(info, keyring),
                            self._fatal, slow=True)
        else:
            self._unlocked()

    def _locked(self, info: UnlockInfo, keyring: bool) -> None:
        if info.keyring:
            # The keyring opens silently; only when it fails does the user see a dialog.
            svc = self.services
            self.worker.run(lambda: svc.profile.unlock(None), lambda _r: self._unlocked(),
                            lambda exc: self._ask(info, keyring, str(exc)), slow=True)
        else:
            self._ask(info, keyring, "")

    def _ask(self, info: UnlockInfo, keyring: bool, reason: str) -> None:
        self._show_dialog(UnlockDialog(self.services, self.worker, info, keyring, reason))

    def _show_dialog(self, dialog: QWidget) -> None:
        self.dialog = dialog
        dialog.setWindowIcon(app_icon())
        dialog.finished.connect(self._dialog_finished)  # type: ignore[attr-defined]
        dialog.show()

    def _dialog_finished(self, _result: int) -> None:
        self.dialog = None
        svc = self.services
        self.worker.run(svc.profile.state,
                        lambda s: self._unlocked() if s is ProfileState.UNLOCKED
                        else self.cancelled.emit(), self._fatal, slow=True)

    def _unlocked(self) -> None:
        svc, offered = self.services, self.default_relay

        def settings() -> Settings:
            # A relay offered at start (make run) becomes the profile's one default relay
            # when none is chosen: Settings, New group and the CLI then agree.
            svc.settings.adopt_default_relay(offered)
            return svc.settings.get()

        self.worker.run(settings, self._open_window, self._fatal)

    def _open_window(self, settings: Settings) -> None:
        self.theme.apply(settings.theme)
        events = EventBridge(self.services, self)
        ctx = AppContext(self.services, self.worker, events, self.theme,
                         settings.default_relay or self.default_relay)
        self._remember_theme()
        self.theme.changed.connect(lambda _t: self._remember_theme())
        window = MainWindow(ctx, window_state=self.window_state)
        events.setParent(window)  # lives exactly as long as the window that shows events
        window.destroyed.connect(events.detach)
        self.window = window
        window.show()
        window.start()
        self.worker.run(self.services.start, None, lambda e: window.show_error(str(e)),
                        slow=True)
        # attachments left in the outbox by a quit, crash or outage go now
        self.worker.run(self.services.files.resume_uploads, None, lambda e: None, slow=True)
        if self.join_link:
            window.join_group(self.join_link)
        self.ready.emit(window)


    def _remember_theme(self) -> None:
        if self.window_state is not None:
            self.window_state.setValue(THEME_KEY, self.theme.choice)
            self.window_state.sync()


def _raise(window: QWidget) -> None:
    window.showNormal()
    window.raise_()
    window.activateWindow()


def _real_services(profile_dir: Path) -> Services:
    from app.api import Services

    return Services(profile_dir)


def _default_profile() -> Path:
    from app.profile import default_profile_dir

    return Path(default_profile_dir())


def run_gui(profile_dir: str | None = None, join_link: str | None = None,
            default_relay: str | None = None,
            make_services: Callable[[Path], Services] = _real_services) -> int:
    """Run the desktop app until its window closes; returns the exit code."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Coterie")
    app.setOrganizationName("Coterie")
    app.setDesktopFileName("coterie")
    install_translations(app)  # before any window: every string is translated when made
    app.setWindowIcon(app_icon())
    path = Path(profile_dir) if profile_dir else _default_profile()
    instance = SingleInstance(path)
    if instance.hand_over(join_link):
        sys.stderr.write((_("Coterie is already running for this profile; it shows the window "
                            "and the join request.") if join_link else
                          _("Coterie is already running for this profile; it shows the "
                            "window.")) + "\n")
        return 0
    instance.listen()
    services = make_services(path)
    worker = Worker()
    theme = ThemeController(app)
    startup = Startup(services, worker, theme, default_relay or "", join_link,
                      profile_dir=path)
    code = {"value": 0}

    def fail(message: str) -> None:
        sys.stderr.write(message + "\n")
        QMessageBox.critical(None, QCoreApplication.translate("Gui", "Coterie"), message)
        code["value"] = 1
        app.quit()

    instance.message.connect(startup.hand_over)
    startup.cancelled.connect(app.quit)
    startup.failed.connect(fail)
    # Between the first-run dialog and the main window no window is open; quitting on the
    # last closed window starts only once the main window is up.
    app.setQuitOnLastWindowClosed(False)
    startup.ready.connect(lambda _w: app.setQuitOnLastWindowClosed(True))
    startup.ready.connect(lambda w: offer_desktop_entry(w, startup.window_state, worker))
    # Ctrl-C or SIGTERM close the app the normal way (profile closed, relay stopped by
    # dev_run); Python runs signal handlers only between bytecodes, hence the idle timer.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda _s, _f: app.quit())
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(250)
    startup.begin()
    try:
        app.exec()
    finally:
        instance.close()
        if startup.window is not None:
            startup.window.close()
        worker.run(services.close, None, lambda e: None, slow=True)
        worker.shutdown()
    return code["value"]
