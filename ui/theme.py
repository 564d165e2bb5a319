"""Light and dark themes: a QPalette, the matching stylesheet from ui/resources/, and the
colours the delegates paint with (they draw by hand, so they cannot use the stylesheet)."""
from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication


def _resources_dir() -> Path:
    """ui/resources as a directory on disk, wherever the package is installed (a wheel, pipx,
    or the source tree): Qt and QSS `url()` need real file paths. Packages installed from a
    wheel are plain directories, so `files()` already is one; a zipped install is refused."""
    found = resources.files("ui").joinpath("resources")
    if not isinstance(found, Path):
        raise RuntimeError("Coterie must be installed unzipped: ui/resources is not on disk")
    return found


RESOURCES = _resources_dir()
THEME_CHOICES = ("system", "light", "dark")


@dataclass(frozen=True)
class Theme:
    name: str
    window: str
    base: str
    surface: str
    text: str
    muted: str
    border: str
    accent: str
    accent_text: str
    own_bubble: str
    other_bubble: str
    quote_bar: str
    quote_bg: str
    warning_bg: str
    warning_text: str
    tombstone: str
    highlight_bg: str
    selection: str
    badge_bg: str
    badge_muted_bg: str
    reaction_bg: str
    reaction_mine_bg: str

    def color(self, field: str) -> QColor:
        return QColor(getattr(self, field))


LIGHT = Theme(
    name="light", window="#f5f6f8", base="#ffffff", surface="#eceef3", text="#1d1e24",
    muted="#6b6f7c", border="#e2e4ea", accent="#4b5bd6", accent_text="#ffffff",
    own_bubble="#e8ebfd", other_bubble="#f2f3f6", quote_bar="#4b5bd6", quote_bg="#e3e6f5",
    warning_bg="#fff4d6", warning_text="#6b4a00", tombstone="#8b8f9c",
    highlight_bg="#ffe58a", selection="#dfe3fb", badge_bg="#4b5bd6", badge_muted_bg="#9aa0b4",
    reaction_bg="#eceef3", reaction_mine_bg="#d9defb",
)
DARK = Theme(
    name="dark", window="#15161a", base="#1f2026", surface="#1b1c21", text="#e6e7ec",
    muted="#9a9eab", border="#2c2e36", accent="#7d89ff", accent_text="#0f1020",
    own_bubble="#2a2f57", other_bubble="#2a2c33", quote_bar="#7d89ff", quote_bg="#23263d",
    warning_bg="#3a3116", warning_text="#f3d79a", tombstone="#7c808c",
    highlight_bg="#6b5a12", selection="#2f3568", badge_bg="#7d89ff", badge_muted_bg="#4a4e5c",
    reaction_bg="#2a2c33", reaction_mine_bg="#353b72",
)


def system_prefers_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints is not None and hints.colorScheme() == Qt.ColorScheme.Dark


def resolve(choice: str) -> Theme:
    """The Theme for a settings choice: "light", "dark" or "system"."""
    if choice == "dark":
        return DARK
    if choice == "light":
        return LIGHT
    return DARK if system_prefers_dark() else LIGHT


def palette_for(theme: Theme) -> QPalette:
    p = QPalette()
    c = theme.color
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        p.setColor(group, QPalette.ColorRole.Window, c("window"))
        p.setColor(group, QPalette.ColorRole.WindowText, c("text"))
        p.setColor(group, QPalette.ColorRole.Base, c("base"))
        p.setColor(group, QPalette.ColorRole.AlternateBase, c("surface"))
        p.setColor(group, QPalette.ColorRole.Text, c("text"))
        p.setColor(group, QPalette.ColorRole.Button, c("base"))
        p.setColor(group, QPalette.ColorRole.ButtonText, c("text"))
        p.setColor(group, QPalette.ColorRole.Highlight, c("accent"))
        p.setColor(group, QPalette.ColorRole.HighlightedText, c("accent_text"))
        p.setColor(group, QPalette.ColorRole.PlaceholderText, c("muted"))
        p.setColor(group, QPalette.ColorRole.Link, c("accent"))
        p.setColor(group, QPalette.ColorRole.ToolTipBase, c("text"))
        p.setColor(group, QPalette.ColorRole.ToolTipText, c("base"))
        p.setColor(group, QPalette.ColorRole.Mid, c("border"))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                 QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, c("muted"))
    return p


def stylesheet_for(theme: Theme) -> str:
    """The theme's stylesheet; @RESOURCES@ becomes the absolute resources path (QSS
    resolves relative image URLs against the working directory, not the file)."""
    text = (RESOURCES / f"{theme.name}.qss").read_text(encoding="utf-8")
    return text.replace("@RESOURCES@", RESOURCES.as_posix())


def app_icon() -> QIcon:
    return QIcon(str(RESOURCES / "coterie.svg"))


def apply_theme(app: QApplication, choice: str) -> Theme:
    """Switch the whole application to `choice`; returns the Theme the delegates should use."""
    theme = resolve(choice)
    app.setStyle("Fusion")  # the same look everywhere; native styles ignore parts of the QSS
    app.setPalette(palette_for(theme))
    app.setStyleSheet(stylesheet_for(theme))
    return theme


class ThemeController(QObject):
    """Holds the theme in use; widgets that paint by hand listen to `changed`."""

    changed = Signal(object)  # Theme

    def __init__(self, app: QApplication, choice: str = "system",
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self.choice = choice if choice in THEME_CHOICES else "system"
        self.theme = apply_theme(app, self.choice)
        hints = QGuiApplication.styleHints()
        if hints is not None:
            hints.colorSchemeChanged.connect(self._system_changed)

    def _system_changed(self, _scheme: object) -> None:
        if self.choice == "system":
            self.apply("system")

    def apply(self, choice: str) -> None:
        self.choice = choice if choice in THEME_CHOICES else "system"
        theme = apply_theme(self._app, self.choice)
        if theme != self.theme:
            self.theme = theme
            self.changed.emit(theme)
