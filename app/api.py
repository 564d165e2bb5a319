"""The application facade: one `Services` object per profile, used by the UI and the CLI.

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

from collections.abc import Callable
from pathlib import Path

from app.views import (
    ChangeEvent,
    ConnectionStatus,
    GroupSummary,
    InviteView,
    JoinRequestView,
    JoinView,
    MemberView,
    Page,
    PostView,
    ProfileState,
    ProfileView,
    SearchHit,
    Settings,
    SyncReport,
    Theme,
    UnlockInfo,
)

DEFAULT_INVITE_USES = 1
DEFAULT_INVITE_TTL = 72 * 3600
DEFAULT_PAGE = 50

Listener = Callable[[ChangeEvent], None]


class Services:
    """Everything a member can do with one profile directory."""

    def __init__(self, profile_dir: Path) -> None:
        """Bind to a profile directory; nothing is opened until init_profile or unlock."""
        raise NotImplementedError

    # -- profile -------------------------------------------------------------------------
    def profile_state(self) -> ProfileState:
        raise NotImplementedError

    def unlock_info(self) -> UnlockInfo:
        """How this (locked) profile can be opened."""
        raise NotImplementedError

    def keyring_available(self) -> bool:
        """True when a real OS keyring backend exists (fail/null/plaintext ones do not count)."""
        raise NotImplementedError

    def init_profile(self, name: str, passphrase: str | None = None) -> str:
        """Create the profile and return the recovery code (show it once).

        passphrase None keeps the store key in the OS keyring (ProfileError if no real one).
        """
        raise NotImplementedError

    def unlock(self, passphrase: str | None = None) -> None:
        """Open the store with the keyring (passphrase None) or the passphrase."""
        raise NotImplementedError

    def unlock_with_recovery(self, code: str, new_passphrase: str | None = None) -> None:
        """Open with the recovery code; re-wrap the key with new_passphrase (or the keyring)."""
        raise NotImplementedError

    def change_passphrase(self, new_passphrase: str | None) -> None:
        """New passphrase, or None to move the key into the OS keyring."""
        raise NotImplementedError

    def me(self) -> ProfileView:
        raise NotImplementedError

    def close(self) -> None:
        """Stop sync, close the store; the object is locked afterwards."""
        raise NotImplementedError

    # -- settings ------------------------------------------------------------------------
    def settings(self) -> Settings:
        raise NotImplementedError

    def update_settings(self, *, display_name: str | None = None,
                        default_relay: str | None = None, theme: Theme | None = None) -> Settings:
        raise NotImplementedError

    # -- groups --------------------------------------------------------------------------
    def create_group(self, name: str, relay: str | None = None) -> GroupSummary:
        """Create a group on `relay` (default relay when None); I am its admin."""
        raise NotImplementedError

    def groups(self) -> list[GroupSummary]:
        """Every group, most recent activity first."""
        raise NotImplementedError

    def group(self, group: str) -> GroupSummary:
        raise NotImplementedError

    def rename_group(self, group: str, name: str) -> None:
        """Admins only; the new name reaches every member."""
        raise NotImplementedError

    def set_muted(self, group: str, muted: bool) -> None:
        raise NotImplementedError

    def mark_read(self, group: str) -> None:
        raise NotImplementedError

    def leave_group(self, group: str) -> None:
        """Stop syncing the group and forget it on this machine."""
        raise NotImplementedError

    # -- invites (admins) ------------------------------------------------------------------
    def create_invite(self, group: str, uses: int = DEFAULT_INVITE_USES,
                      expires_in: int = DEFAULT_INVITE_TTL) -> InviteView:
        raise NotImplementedError

    def invites(self, group: str) -> list[InviteView]:
        raise NotImplementedError

    def revoke_invite(self, group: str, invite_id: str) -> None:
        raise NotImplementedError

    # -- joining -------------------------------------------------------------------------
    def join(self, link: str) -> JoinView:
        """Send a join request; the join completes when an admin's client admits it."""
        raise NotImplementedError

    def joins(self) -> list[JoinView]:
        """My joins that are not yet complete (and recently completed ones)."""
        raise NotImplementedError

    # -- join requests (admins) ------------------------------------------------------------
    def requests(self, group: str) -> list[JoinRequestView]:
        raise NotImplementedError

    def approve_request(self, group: str, request_id: str) -> None:
        raise NotImplementedError

    def decline_request(self, group: str, request_id: str) -> None:
        raise NotImplementedError

    # -- posts ---------------------------------------------------------------------------
    def post(self, group: str, text: str) -> PostView:
        """Seal and queue a post; it is durable in the outbox before this returns."""
        raise NotImplementedError

    def reply(self, group: str, post_id: str, text: str) -> PostView:
        raise NotImplementedError

    def react(self, group: str, post_id: str, emoji: str, on: bool = True) -> None:
        raise NotImplementedError

    def edit(self, group: str, post_id: str, text: str) -> None:
        """Edit one of my own posts."""
        raise NotImplementedError

    def delete(self, group: str, post_id: str) -> None:
        """Delete my own post, or (admins) anyone's post; leaves a tombstone."""
        raise NotImplementedError

    def latest(self, group: str, limit: int = DEFAULT_PAGE) -> Page:
        raise NotImplementedError

    def before(self, group: str, post_id: str, limit: int = DEFAULT_PAGE) -> Page:
        raise NotImplementedError

    def after(self, group: str, post_id: str, limit: int = DEFAULT_PAGE) -> Page:
        raise NotImplementedError

    def around(self, group: str, post_id: str, limit: int = DEFAULT_PAGE) -> Page:
        """About limit/2 posts each side of post_id, the post itself included."""
        raise NotImplementedError

    def get_post(self, group: str, post_id: str) -> PostView:
        raise NotImplementedError

    def search(self, query: str, group: str | None = None, limit: int = 20) -> list[SearchHit]:
        """Ranked full-text search; any query string is safe (it is escaped)."""
        raise NotImplementedError

    # -- members -------------------------------------------------------------------------
    def members(self, group: str) -> list[MemberView]:
        raise NotImplementedError

    def promote(self, group: str, member: str) -> None:
        raise NotImplementedError

    def remove_member(self, group: str, member: str) -> None:
        """Admins only: new epoch and mailbox; the removed member can read nothing later."""
        raise NotImplementedError

    # -- sync ----------------------------------------------------------------------------
    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Register a change listener; returns a function that unregisters it."""
        raise NotImplementedError

    def start(self) -> None:
        """Start the live sync engine (push connection per relay) in its own thread."""
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def connection(self) -> ConnectionStatus:
        raise NotImplementedError

    def sync_once(self, timeout: float = 30.0) -> SyncReport:
        """Push the outbox, fetch and process everything pending, then return (CLI `sync`)."""
        raise NotImplementedError
