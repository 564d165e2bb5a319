"""Carries the app's change events to the GUI thread.

Services call listeners from their own threads; the bridge lives on the GUI thread, so
emitting its signal from there is a queued connection: slots always run on the GUI thread.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from app.views import ChangeEvent, ChangeKind

if TYPE_CHECKING:
    from app.api import Services


class EventBridge(QObject):
    posts = Signal(object, object, bool)   # group id, tuple of post ids, incoming
    groups = Signal()
    members = Signal(object)               # group id
    invites = Signal(object)
    requests = Signal(object)
    joins = Signal()
    removed = Signal(object)
    connection = Signal()
    profile = Signal()
    channels = Signal(object)              # group id: channels, unread counts, mutes
    _raw = Signal(object)

    def __init__(self, services: Services, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._raw.connect(self._dispatch)
        self._unsubscribe: Callable[[], None] | None = services.add_listener(self._raw.emit)

    def detach(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    @Slot(object)
    def _dispatch(self, event: ChangeEvent) -> None:
        kind = event.kind
        if kind is ChangeKind.POSTS:
            self.posts.emit(event.group_id, tuple(event.post_ids), event.incoming)
        elif kind is ChangeKind.GROUPS:
            self.groups.emit()
        elif kind is ChangeKind.MEMBERS:
            self.members.emit(event.group_id)
        elif kind is ChangeKind.INVITES:
            self.invites.emit(event.group_id)
        elif kind is ChangeKind.REQUESTS:
            self.requests.emit(event.group_id)
        elif kind is ChangeKind.JOINS:
            self.joins.emit()
        elif kind is ChangeKind.REMOVED:
            self.removed.emit(event.group_id)
            self.groups.emit()
        elif kind is ChangeKind.CONNECTION:
            self.connection.emit()
        elif kind is ChangeKind.CHANNELS:
            self.channels.emit(event.group_id)
        elif kind is ChangeKind.PROFILE:
            self.profile.emit()
