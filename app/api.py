"""The application facade: one `Services` object per profile, used by the UI and the CLI.

Services is composed of one object per capability, each in its own module:

    services.profile    app/account.py   create, unlock, protection of the store key, me
    services.settings   app/settings.py  display name, default relay, theme
    services.groups     app/groups.py    groups and their members
    services.invites    app/invites.py   invites, joining with a link, join requests
    services.posts      app/posts.py     writing and reading posts
    services.files      app/files.py     attachments: upload, download, save, delete
    services.library    app/library.py   the group's resource library
    services.channels   app/channels.py  channels (define, mute, read state) and pins
    services.threads    app/threads.py   following threads, their read state
    services.search     app/search.py    full-text search
    services.verification app/verification.py  comparing safety numbers in person
    services.backup     app/backup.py    encrypted backups, restore, automatic backups
    services.export     app/export.py    a group as readable HTML and JSON
    services.polls      app/polls.py     polls: create, vote, close, results
    services.events     app/events_cal.py calendar events: RSVPs, upcoming, .ics export
    services.governance app/governance.py roles (owner, admin, moderator, member, observer)
    services.moderation app/moderation.py removals, timeouts, bans, slow mode, locks, the log

The facade itself keeps the lifecycle (listeners, live sync, close). The capabilities share
one `app.access.Access`, the only owner of the unlocked state.

Every method is synchronous and may block on the store, Argon2id or the network, so the UI
calls them from a worker thread, never the GUI thread. Methods are safe to call from several
threads at once (one lock guards the per-group protocol state).

Listeners registered with `add_listener` are called from a non-GUI thread (the sync
thread or the calling worker) with a `ChangeEvent`; they must return quickly and marshal
to the GUI thread themselves (Qt: emit a signal with a queued connection).

GROUP arguments accept a group id or its unique name; MEMBER arguments accept a
fingerprint (any unique prefix, spaces ignored) or a unique display name.
Every failure is an `app.errors.AppError` whose str() is one sentence for the user.
"""
from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

from keyring.backend import KeyringBackend

import crypto
from app.access import Access
from app.account import ProfileService
from app.backup import BackupService
from app.channels import ChannelService
from app.errors import AppError
from app.events import EventHub
from app.events_cal import EventService
from app.export import ExportService
from app.files import FileService
from app.governance import GovernanceService
from app.groups import GroupService
from app.invites import InviteService
from app.keys import KeyStore
from app.library import LibraryService
from app.moderation import ModerationService
from app.polls import PollService
from app.posts import PostService
from app.search import SearchService
from app.settings import SettingsService
from app.threads import ThreadService
from app.verification import VerificationService
from app.views import ChangeEvent, ConnectionStatus, SyncReport

Listener = Callable[[ChangeEvent], None]
log = logging.getLogger(__name__)


class Services:
    """Everything a member can do with one profile directory."""

    def __init__(self, profile_dir: Path, *, keyring_backend: KeyringBackend | None = None,
                 clock: Callable[[], float] = time.time,
                 rng: Callable[[int], bytes] = os.urandom) -> None:
        """Bind to a profile directory; nothing is opened until created or unlocked.

        keyring_backend None uses the OS keyring (keyring.get_keyring()); clock and rng are
        seams for tests.
        """
        self.profile_dir = Path(profile_dir)
        self._hub = EventHub()
        self._access = Access(self.profile_dir, KeyStore(self.profile_dir, keyring_backend),
                              self._hub, clock, rng)
        # The capabilities. A new one (channels, files, moderation, ...) is a module with
        # one class taking the Access (and any capability it builds on) and one line here.
        self.profile = ProfileService(self._access, keyring_backend)
        self.settings = SettingsService(self._access)
        self.groups = GroupService(self._access, self.settings)
        self.invites = InviteService(self._access)
        self.posts = PostService(self._access)
        self.files = FileService(self._access, self.posts)
        self.library = LibraryService(self._access, self.posts)
        self.channels = ChannelService(self._access)
        self.threads = ThreadService(self._access)
        self.search = SearchService(self._access)
        self.verification = VerificationService(self._access)
        self.backup = BackupService(self._access, keyring_backend)
        self.export = ExportService(self._access, self.files)
        self.polls = PollService(self._access)
        self.events = EventService(self._access)
        self.governance = GovernanceService(self._access)
        self.moderation = ModerationService(self._access)

    # -- lifecycle ------------------------------------------------------------------------------
    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Register a change listener; returns a function that unregisters it."""
        return self._hub.add(listener)

    def start(self) -> None:
        """Start the live sync engine (push connection per relay) in its own thread."""
        self._access.syncer().start()
        self.backup.start_schedule()

    def stop(self) -> None:
        self.backup.stop_schedule()
        sync = self._access.syncer_if_open()
        if sync is not None:
            sync.stop()

    def connection(self) -> ConnectionStatus:
        return self._access.syncer().connection()

    def sync_once(self, timeout: float = 30.0) -> SyncReport:
        """Push the outbox, fetch and process everything pending, then return (CLI `sync`)."""
        try:
            return self._access.syncer().sync_once(timeout)
        except AppError:
            raise
        except crypto.CryptoError as exc:
            raise AppError(f"A message could not be processed: {exc}") from exc

    def close(self) -> None:
        """Stop sync, close the store; the object is locked afterwards."""
        self.backup.stop_schedule()
        self._access.close()
