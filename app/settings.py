"""The profile's settings (display name, default relay, theme): `Services.settings`."""
from __future__ import annotations

from app.access import Access
from app.errors import InvalidInput
from app.i18n import _
from app.names import check_name
from app.profile import normalise_relay_url
from app.views import ChangeEvent, ChangeKind, Settings, Theme

THEMES = ("system", "light", "dark")


class SettingsService:
    """Read and change the profile's settings; every change is announced as PROFILE."""

    def __init__(self, access: Access) -> None:
        self._access = access

    def get(self) -> Settings:
        rt = self._access.runtime()
        values = rt.store.settings.all()
        theme = values.get("theme", "system")
        return Settings(display_name=rt.display_name,
                        default_relay=values.get("default_relay", ""),
                        theme=theme if theme in THEMES else "system")  # type: ignore[arg-type]

    def default_relay(self) -> str:
        """The relay new groups use when none is given; "" when none is set."""
        return self._access.runtime().store.settings.get("default_relay") or ""

    def adopt_default_relay(self, url: str) -> str:
        """Make `url` the default relay when none is set (`make run` offers its local relay);
        returns the default relay now in effect. A relay already chosen is kept."""
        current = self.default_relay()
        if current or not url.strip():
            return current
        return self.update(default_relay=url).default_relay

    def update(self, *, display_name: str | None = None, default_relay: str | None = None,
               theme: Theme | None = None) -> Settings:
        rt = self._access.runtime()
        if display_name is not None:
            clean = check_name(display_name)
            rt.store.settings.set("display_name", clean)
            rt.display_name = clean
        if default_relay is not None:
            value = normalise_relay_url(default_relay) if default_relay.strip() else ""
            rt.store.settings.set("default_relay", value)
        if theme is not None:
            if theme not in THEMES:
                raise InvalidInput(_("The theme is system, light or dark."))
            rt.store.settings.set("theme", theme)
        self._access.hub.emit(ChangeEvent(ChangeKind.PROFILE))
        return self.get()
