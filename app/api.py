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
    services.member_profiles app/member_profiles.py per-group profiles, badges, the directory
    services.reports    app/reports.py   reports to moderators, the group's rules, first-post approval

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
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

import crypto
from app.access import Access
from app.account import ProfileService
from app.errors import AppError
from app.events import EventHub
from app.i18n import _
from app.keys import KeyStore
from app.reasons import explain
from app.views import ChangeEvent, ConnectionStatus, SyncReport

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

    from app.backup import BackupService
    from app.channels import ChannelService
    from app.devices import DeviceService
    from app.events_cal import EventService
    from app.export import ExportService
    from app.files import FileService
    from app.governance import GovernanceService
    from app.groups import GroupService
    from app.invites import InviteService
    from app.library import LibraryService
    from app.member_profiles import MemberProfileService
    from app.moderation import ModerationService
    from app.polls import PollService
    from app.posts import PostService
    from app.reports import ReportService
    from app.search import SearchService
    from app.settings import SettingsService
    from app.threads import ThreadService
    from app.verification import VerificationService

Listener = Callable[[ChangeEvent], None]
log = logging.getLogger(__name__)
T = TypeVar("T")


class _Capability(Generic[T]):
    """A capability of `Services`, built (and its module imported) when first used.

    A short CLI command uses two or three of the capabilities; building every one imported
    nearly the whole app (bench/bench_cli.py, row cli_read_s). Built once per Services,
    under its lock, then read from the instance like a plain attribute.
    """

    def __init__(self, build: Callable[[Services], T]) -> None:
        self._build = build
        self._name = build.__name__

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, obj: None, owner: type) -> _Capability[T]: ...
    @overload
    def __get__(self, obj: Services, owner: type) -> T: ...

    def __get__(self, obj: Services | None, owner: type) -> Any:
        if obj is None:
            return self
        with obj._build_lock:
            built = obj.__dict__.get(self._name)
            if built is None:
                built = obj.__dict__[self._name] = self._build(obj)
            return built


def _settings(s: Services) -> SettingsService:
    from app.settings import SettingsService
    return SettingsService(s._access)


def _groups(s: Services) -> GroupService:
    from app.groups import GroupService
    return GroupService(s._access, s.settings)


def _invites(s: Services) -> InviteService:
    from app.invites import InviteService
    return InviteService(s._access)


def _posts(s: Services) -> PostService:
    from app.posts import PostService
    return PostService(s._access)


def _files(s: Services) -> FileService:
    from app.files import FileService
    return FileService(s._access)


def _library(s: Services) -> LibraryService:
    from app.library import LibraryService
    return LibraryService(s._access)


def _channels(s: Services) -> ChannelService:
    from app.channels import ChannelService
    # read positions go to the member's other devices; app.devices loads only when it has some
    return ChannelService(s._access, lambda gid, cid: _share_read(s, gid, cid))


def _share_read(s: Services, gid: bytes, cid: bytes) -> None:
    from app.device_activity import has_other_devices
    if has_other_devices(s._access.runtime().store):
        s.devices.share_read(gid, cid)


def _devices(s: Services) -> DeviceService:
    from app.devices import DeviceService
    return DeviceService(s._access, s._keyring_backend)


def _threads(s: Services) -> ThreadService:
    from app.threads import ThreadService
    return ThreadService(s._access)


def _search(s: Services) -> SearchService:
    from app.search import SearchService
    return SearchService(s._access)


def _verification(s: Services) -> VerificationService:
    from app.verification import VerificationService
    return VerificationService(s._access)


def _backup(s: Services) -> BackupService:
    from app.backup import BackupService
    return BackupService(s._access, s._keyring_backend)


def _export(s: Services) -> ExportService:
    from app.export import ExportService
    return ExportService(s._access, s.files)


def _polls(s: Services) -> PollService:
    from app.polls import PollService
    return PollService(s._access)


def _events(s: Services) -> EventService:
    from app.events_cal import EventService
    return EventService(s._access)


def _governance(s: Services) -> GovernanceService:
    from app.governance import GovernanceService
    return GovernanceService(s._access)


def _moderation(s: Services) -> ModerationService:
    from app.moderation import ModerationService
    return ModerationService(s._access)


def _member_profiles(s: Services) -> MemberProfileService:
    from app.member_profiles import MemberProfileService
    return MemberProfileService(s._access)
def _reports(s: Services) -> ReportService:
    from app.reports import ReportService
    return ReportService(s._access, s.moderation)


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
        self._keyring_backend = keyring_backend
        self._build_lock = threading.RLock()  # a capability may build those it builds on
        self._access = Access(self.profile_dir, KeyStore(self.profile_dir, keyring_backend),
                              self._hub, clock, rng)
        self.profile = ProfileService(self._access, keyring_backend)

    # The capabilities, each built on first use. A new one (channels, files, moderation, ...)
    # is a module with one class taking the Access (and any capability it builds on), one
    # builder function above and one line here.
    settings = _Capability(_settings)
    groups = _Capability(_groups)
    invites = _Capability(_invites)
    posts = _Capability(_posts)
    files = _Capability(_files)
    library = _Capability(_library)
    devices = _Capability(_devices)
    channels = _Capability(_channels)
    threads = _Capability(_threads)
    search = _Capability(_search)
    verification = _Capability(_verification)
    backup = _Capability(_backup)
    export = _Capability(_export)
    polls = _Capability(_polls)
    events = _Capability(_events)
    governance = _Capability(_governance)
    moderation = _Capability(_moderation)
    member_profiles = _Capability(_member_profiles)
    reports = _Capability(_reports)

    # -- lifecycle ------------------------------------------------------------------------------
    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Register a change listener; returns a function that unregisters it."""
        return self._hub.add(listener)

    def start(self) -> None:
        """Start the live sync engine (push connection per relay) in its own thread."""
        self._access.syncer().start()
        self.backup.start_schedule()

    def _built_backup(self) -> BackupService | None:
        with self._build_lock:
            return self.__dict__.get("backup")

    def stop(self) -> None:
        backup = self._built_backup()
        if backup is not None:
            backup.stop_schedule()
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
            raise AppError(_("A message could not be processed: {reason}").format(
                reason=explain(exc))) from exc

    def close(self) -> None:
        """Stop sync, close the store; the object is locked afterwards."""
        backup = self._built_backup()
        if backup is not None:
            backup.stop_schedule()
        self._access.close()
