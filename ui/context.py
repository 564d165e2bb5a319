"""What every window and dialog is built with: handed down through constructors."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ui.events import EventBridge
from ui.theme import ThemeController
from ui.worker import Worker

if TYPE_CHECKING:
    from app.api import Services


@dataclass
class AppContext:
    services: Services
    worker: Worker
    events: EventBridge
    theme: ThemeController
    default_relay: str = ""  # offered for new groups when settings have none (make run)
