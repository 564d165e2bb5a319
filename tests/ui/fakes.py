"""An in-memory stand-in for app.api.Services, used only at the UI/app seam.

Widget tests need a facade that answers instantly and deterministically; it follows the
documented contract of app.api.Services (same value types, same errors, listeners called
from the calling thread, which is the worker — never the GUI thread).
The flows across two profiles and a real relay use the real Services instead.
"""
from __future__ import annotations

import hashlib
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

from app.errors import InvalidInput, InviteError, NotAllowed, NotFound, ProfileError
from app.profile import relay_address_kind, relay_host
from app.views import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    ChangeEvent,
    ChangeKind,
    ConnectionState,
    ConnectionStatus,
    GroupSummary,
    InviteRelay,
    InviteView,
    JoinRequestView,
    JoinView,
    MemberView,
    Page,
    PostView,
    ProfileState,
    ProfileView,
    Quote,
    SearchHit,
    Settings,
    SyncReport,
    UnlockInfo,
)

RECOVERY = "ABCD-EFGH-JKMN-PQRS-TVWX-YZ23-4567-89AB"


def fingerprint_of(name: str) -> str:
    h = hashlib.sha256(name.encode()).hexdigest()[:40]
    return " ".join(h[i:i + 4] for i in range(0, 40, 4))


# The shape of app.api.Services over the fake's flat methods: capability -> {name: method}.
SHAPE: dict[str, dict[str, str]] = {
    "profile": {"state": "profile_state", "unlock_info": "unlock_info",
                "keyring_available": "keyring_available", "create": "init_profile",
                "unlock": "unlock", "unlock_with_recovery": "unlock_with_recovery",
                "change_passphrase": "change_passphrase",
                "new_recovery_code": "new_recovery_code", "me": "me"},
    "settings": {"get": "get_settings", "update": "update_settings",
                 "default_relay": "default_relay", "adopt_default_relay": "adopt_default_relay"},
    "groups": {"create": "create_group", "list": "list_groups", "get": "group",
               "rename": "rename_group", "set_muted": "set_muted", "mark_read": "mark_read",
               "leave": "leave_group", "members": "members", "promote": "promote",
               "remove_member": "remove_member"},
    "invites": {"create": "create_invite", "list": "list_invites", "revoke": "revoke_invite",
                "check_link": "check_link", "join": "join", "joins": "joins",
                "requests": "requests",
                "approve": "approve_request", "decline": "decline_request"},
    "posts": {"post": "post", "reply": "reply", "react": "react", "edit": "edit",
              "delete": "delete", "latest": "latest", "before": "before", "after": "after",
              "around": "around", "get": "get_post"},
    "search": {"find": "find"},
    "verification": {"check": "check_safety"},
}


class _Capability:
    """One capability of the facade, answered by the fake's own methods."""

    def __init__(self, fake: object, methods: dict[str, str]) -> None:
        for name, method in methods.items():
            setattr(self, name, getattr(fake, method))


class FakeServices:
    def __init__(self, profile_dir: Path | None = None, *, state: ProfileState = ProfileState.NEW,
                 passphrase: str | None = "correct horse", keyring: bool = False,
                 now: Callable[[], float] = time.time) -> None:
        self.profile_dir = profile_dir
        self._state = state
        self._passphrase = passphrase
        self._keyring = keyring
        self._now = now
        self._lock = threading.RLock()
        self._listeners: list[Callable[[ChangeEvent], None]] = []
        self._ids = itertools.count(1)
        self.name = "Ana"
        self.settings_value = Settings("Ana", "http://127.0.0.1:8765", "system")
        self.groups_by_id: dict[str, GroupSummary] = {}
        self.posts_by_group: dict[str, list[PostView]] = {}
        self.members_by_group: dict[str, list[MemberView]] = {}
        self.invites_by_group: dict[str, list[InviteView]] = {}
        self.requests_by_group: dict[str, list[JoinRequestView]] = {}
        self.my_joins: list[JoinView] = []
        self.connection_value = ConnectionStatus(ConnectionState.ONLINE, 0, "")
        self.calls: list[str] = []
        self.started = False
        for capability, methods in SHAPE.items():
            setattr(self, capability, _Capability(self, methods))

    # -- helpers for tests -------------------------------------------------------------------
    def _id(self) -> str:
        return f"{next(self._ids):032x}"

    def _emit(self, kind: ChangeKind, group_id: str | None = None,
              post_ids: tuple[str, ...] = (), incoming: bool = False) -> None:
        for fn in list(self._listeners):
            fn(ChangeEvent(kind, group_id, post_ids, incoming))

    def _g(self, group: str) -> GroupSummary:
        with self._lock:
            if group in self.groups_by_id:
                return self.groups_by_id[group]
            named = [g for g in self.groups_by_id.values() if g.name == group]
            if len(named) == 1:
                return named[0]
        raise NotFound("There is no group by that name or id.")

    def add_group(self, name: str, role: str = "admin", members: tuple[str, ...] = ("Bea",),
                  muted: bool = False) -> GroupSummary:
        gid = self._id()
        g = GroupSummary(gid, name, "http://127.0.0.1:8765", role, 1 + len(members), 0, "", "",
                         0, muted)
        self.groups_by_id[gid] = g
        self.posts_by_group[gid] = []
        me = MemberView(fingerprint_of(self.name), self.name, role, "", "", True)
        others = [MemberView(fingerprint_of(m), m, "member", "12345 67890 " * 5 + "00000",
                             f"coterie-safety:{m}", False) for m in members]
        self.members_by_group[gid] = [me, *others]
        self.invites_by_group[gid] = []
        self.requests_by_group[gid] = []
        return g

    def add_post(self, gid: str, sender: str, text: str, sent_at: int | None = None,
                 incoming: bool = True, emit: bool = True, **extra: object) -> PostView:
        with self._lock:
            pid = self._id()
            at = int(self._now()) if sent_at is None else sent_at
            post = PostView(pid, gid, sender, fingerprint_of(sender), at, text,
                            mine=sender == self.name, **extra)  # type: ignore[arg-type]
            self.posts_by_group[gid].append(post)
            self.posts_by_group[gid].sort(key=lambda p: (p.sent_at, p.id))
            g = self.groups_by_id[gid]
            self.groups_by_id[gid] = replace(
                g, unread=g.unread + (0 if post.mine else 1),
                last_preview=text.splitlines()[0] if text else "", last_sender=sender,
                last_activity=max(g.last_activity, at))
        if emit:
            self._emit(ChangeKind.POSTS, gid, (pid,), incoming=incoming and not post.mine)
            self._emit(ChangeKind.GROUPS)
        return post

    def add_request(self, gid: str, name: str) -> JoinRequestView:
        r = JoinRequestView(self._id(), gid, name, fingerprint_of(name), "inv", int(self._now()))
        self.requests_by_group[gid].append(r)
        self._emit(ChangeKind.REQUESTS, gid)
        return r

    def set_connection(self, status: ConnectionStatus) -> None:
        self.connection_value = status
        self._emit(ChangeKind.CONNECTION)

    # -- profile -------------------------------------------------------------------------------
    def profile_state(self) -> ProfileState:
        return self._state

    def unlock_info(self) -> UnlockInfo:
        return UnlockInfo(self._keyring, self._passphrase is not None, True)

    def keyring_available(self) -> bool:
        return self._keyring

    def init_profile(self, name: str, passphrase: str | None = None) -> str:
        if self._state is not ProfileState.NEW:
            raise ProfileError("A profile already exists here.")
        if not name.strip():
            raise InvalidInput("Please give your name.")
        if passphrase is None and not self._keyring:
            raise ProfileError("No usable system keyring; choose a passphrase instead.")
        self.name = name.strip()
        self._passphrase = passphrase
        self.settings_value = replace(self.settings_value, display_name=self.name)
        self._state = ProfileState.UNLOCKED
        return RECOVERY

    def unlock(self, passphrase: str | None = None) -> None:
        if self._keyring and passphrase is None:
            self._state = ProfileState.UNLOCKED
            return
        if passphrase != self._passphrase:
            raise ProfileError("That passphrase is not right; nothing was changed.")
        self._state = ProfileState.UNLOCKED

    def unlock_with_recovery(self, code: str, new_passphrase: str | None = None) -> None:
        if code.replace(" ", "").upper() != RECOVERY.replace(" ", ""):
            raise ProfileError("That recovery code is not right; nothing was changed.")
        self._passphrase = new_passphrase
        self._state = ProfileState.UNLOCKED

    def change_passphrase(self, new_passphrase: str | None) -> None:
        self.calls.append(f"change_passphrase:{new_passphrase is not None}")
        self._passphrase = new_passphrase

    def new_recovery_code(self) -> str:
        self.calls.append("new_recovery_code")
        return RECOVERY

    def me(self) -> ProfileView:
        return ProfileView(self.name, fingerprint_of(self.name),
                           "passphrase" if self._passphrase else "keyring")

    def close(self) -> None:
        self.calls.append("close")
        self._state = ProfileState.LOCKED

    # -- settings ------------------------------------------------------------------------------
    def get_settings(self) -> Settings:
        return self.settings_value

    def default_relay(self) -> str:
        return self.settings_value.default_relay

    def adopt_default_relay(self, url: str) -> str:
        if not self.settings_value.default_relay and url.strip():
            self.update_settings(default_relay=url)
        return self.settings_value.default_relay

    def update_settings(self, *, display_name: str | None = None,
                        default_relay: str | None = None, theme: str | None = None) -> Settings:
        s = self.settings_value
        self.settings_value = Settings(display_name if display_name is not None else s.display_name,
                                       default_relay if default_relay is not None
                                       else s.default_relay,
                                       theme if theme is not None else s.theme)  # type: ignore[arg-type]
        if display_name:
            self.name = display_name
        self._emit(ChangeKind.PROFILE)
        return self.settings_value

    # -- groups --------------------------------------------------------------------------------
    def create_group(self, name: str, relay: str | None = None) -> GroupSummary:
        if not name.strip():
            raise InvalidInput("Please give the group a name.")
        g = self.add_group(name.strip(), members=())
        g = replace(g, last_activity=int(self._now()), relay=relay or g.relay)
        self.groups_by_id[g.id] = g
        self._emit(ChangeKind.GROUPS)
        return g

    def list_groups(self) -> list[GroupSummary]:
        with self._lock:
            return sorted(self.groups_by_id.values(), key=lambda g: -g.last_activity)

    def group(self, group: str) -> GroupSummary:
        return self._g(group)

    def rename_group(self, group: str, name: str) -> None:
        g = self._g(group)
        self.groups_by_id[g.id] = replace(g, name=name)
        self._emit(ChangeKind.GROUPS)

    def set_muted(self, group: str, muted: bool) -> None:
        g = self._g(group)
        self.groups_by_id[g.id] = replace(g, muted=muted)
        self._emit(ChangeKind.GROUPS)

    def mark_read(self, group: str) -> None:
        g = self._g(group)
        if g.unread:
            self.groups_by_id[g.id] = replace(g, unread=0)
            self._emit(ChangeKind.GROUPS)

    def leave_group(self, group: str) -> None:
        g = self._g(group)
        del self.groups_by_id[g.id]
        self.calls.append(f"leave:{g.id}")
        self._emit(ChangeKind.GROUPS)

    # -- invites -------------------------------------------------------------------------------
    def create_invite(self, group: str, uses: int = 1, expires_in: int = 72 * 3600) -> InviteView:
        g = self._g(group)
        if g.my_role != "admin":
            raise NotAllowed("Only admins can invite.")
        now = int(self._now())
        inv = InviteView(self._id(), g.id, f"coterie://join#1.relay.{self._id()}.founder",
                         uses, uses, now + expires_in, False, now)
        self.invites_by_group[g.id].append(inv)
        self._emit(ChangeKind.INVITES, g.id)
        return inv

    def list_invites(self, group: str) -> list[InviteView]:
        return list(self.invites_by_group[self._g(group).id])

    def revoke_invite(self, group: str, invite_id: str) -> None:
        g = self._g(group)
        self.invites_by_group[g.id] = [replace(i, revoked=True, status="revoked")
                                       if i.id == invite_id else i
                                       for i in self.invites_by_group[g.id]]
        self._emit(ChangeKind.INVITES, g.id)

    # -- joining -------------------------------------------------------------------------------
    def check_link(self, link: str) -> InviteRelay:
        if not link.startswith("coterie://join#"):
            raise InviteError("That is not an invite link.")
        relay = self.settings_value.default_relay
        return InviteRelay(relay, relay_host(relay), relay_address_kind(relay), True, False)

    def join(self, link: str, cancel: threading.Event | None = None) -> JoinView:
        if not link.startswith("coterie://join#"):
            raise InviteError("That is not a Coterie invite link.")
        if len(link.split("#", 1)[1].split(".")) < 4:
            raise InviteError("That invite link is damaged; ask for a new one.")
        j = JoinView(self._id(), "Book club", "http://127.0.0.1:8765", "waiting",
                     "Waiting for an admin to come online.")
        self.my_joins.append(j)
        self._emit(ChangeKind.JOINS)
        return j

    def joins(self) -> list[JoinView]:
        return list(self.my_joins)

    # -- requests ------------------------------------------------------------------------------
    def requests(self, group: str) -> list[JoinRequestView]:
        return [r for r in self.requests_by_group[self._g(group).id] if r.status == "pending"]

    def _settle(self, group: str, request_id: str, status: str) -> JoinRequestView:
        g = self._g(group)
        for i, r in enumerate(self.requests_by_group[g.id]):
            if r.id == request_id:
                self.requests_by_group[g.id][i] = replace(r, status=status)  # type: ignore[arg-type]
                self._emit(ChangeKind.REQUESTS, g.id)
                return r
        raise NotFound("That join request is gone.")

    def approve_request(self, group: str, request_id: str) -> None:
        r = self._settle(group, request_id, "approved")
        self.members_by_group[r.group_id].append(
            MemberView(r.fingerprint, r.name, "member", "11111 " * 12, "qr", False))
        self._emit(ChangeKind.MEMBERS, r.group_id)

    def decline_request(self, group: str, request_id: str) -> None:
        self._settle(group, request_id, "declined")

    # -- posts ---------------------------------------------------------------------------------
    def _page(self, posts: list[PostView], lo: int, hi: int) -> Page:
        lo, hi = max(0, lo), min(len(posts), hi)
        return Page(tuple(posts[lo:hi]), lo > 0, hi < len(posts))

    def _pos(self, gid: str, post_id: str) -> int:
        for i, p in enumerate(self.posts_by_group[gid]):
            if p.id == post_id:
                return i
        raise NotFound("That post is not stored here.")

    def post(self, group: str, text: str) -> PostView:
        g = self._g(group)
        if g.status != "active":
            raise NotAllowed("You were removed from this group; you can read it but not post.")
        if not text.strip():
            raise InvalidInput("An empty post cannot be sent.")
        return self.add_post(g.id, self.name, text, incoming=False)

    def reply(self, group: str, post_id: str, text: str) -> PostView:
        g = self._g(group)
        target = self.posts_by_group[g.id][self._pos(g.id, post_id)]
        return self.add_post(g.id, self.name, text, incoming=False,
                             reply_to=Quote(post_id, target.sender_name, target.text[:80]))

    def _update(self, gid: str, post_id: str, **changes: object) -> None:
        with self._lock:
            i = self._pos(gid, post_id)
            self.posts_by_group[gid][i] = replace(self.posts_by_group[gid][i], **changes)  # type: ignore[arg-type]
        self._emit(ChangeKind.POSTS, gid, (post_id,))

    def react(self, group: str, post_id: str, emoji: str, on: bool = True) -> None:
        g = self._g(group)
        p = self.posts_by_group[g.id][self._pos(g.id, post_id)]
        reactions = {k: list(v) for k, v in p.reactions.items()}
        names = reactions.setdefault(emoji, [])
        if on and self.name not in names:
            names.append(self.name)
        if not on and self.name in names:
            names.remove(self.name)
        mine = set(p.my_reactions) | {emoji} if on else set(p.my_reactions) - {emoji}
        self._update(g.id, post_id,
                     reactions=MappingProxyType({k: tuple(v) for k, v in reactions.items() if v}),
                     my_reactions=frozenset(mine))

    def edit(self, group: str, post_id: str, text: str) -> None:
        g = self._g(group)
        p = self.posts_by_group[g.id][self._pos(g.id, post_id)]
        if not p.mine:
            raise NotAllowed("You can only edit your own posts.")
        self._update(g.id, post_id, text=text, edited=True)

    def delete(self, group: str, post_id: str) -> None:
        g = self._g(group)
        self._update(g.id, post_id, text="", deleted=True, deleted_by=self.name)

    def latest(self, group: str, limit: int = 50) -> Page:
        posts = self.posts_by_group[self._g(group).id]
        return self._page(posts, len(posts) - limit, len(posts))

    def before(self, group: str, post_id: str, limit: int = 50) -> Page:
        gid = self._g(group).id
        i = self._pos(gid, post_id)
        return self._page(self.posts_by_group[gid], i - limit, i)

    def after(self, group: str, post_id: str, limit: int = 50) -> Page:
        gid = self._g(group).id
        i = self._pos(gid, post_id)
        return self._page(self.posts_by_group[gid], i + 1, i + 1 + limit)

    def around(self, group: str, post_id: str, limit: int = 50) -> Page:
        gid = self._g(group).id
        i = self._pos(gid, post_id)
        return self._page(self.posts_by_group[gid], i - limit // 2, i + limit // 2 + 1)

    def get_post(self, group: str, post_id: str) -> PostView:
        gid = self._g(group).id
        return self.posts_by_group[gid][self._pos(gid, post_id)]

    def find(self, query: str, group: str | None = None, limit: int = 20) -> list[SearchHit]:
        q = query.strip().casefold()
        if not q:
            return []
        gids = [self._g(group).id] if group else list(self.groups_by_id)
        hits = []
        for gid in gids:
            for p in reversed(self.posts_by_group[gid]):
                at = p.text.casefold().find(q)
                if at >= 0 and not p.deleted:
                    snippet = (p.text[:at] + HIGHLIGHT_START + p.text[at:at + len(q)]
                               + HIGHLIGHT_END + p.text[at + len(q):])
                    hits.append(SearchHit(gid, self.groups_by_id[gid].name, p.id, snippet,
                                          p.sent_at, p.sender_name))
        return hits[:limit]

    # -- members -------------------------------------------------------------------------------
    def members(self, group: str) -> list[MemberView]:
        return list(self.members_by_group[self._g(group).id])

    def check_safety(self, group: str, member: str, text: str) -> bool:
        gid = self._g(group).id
        target = self.members_by_group[gid][self._member(gid, member)]
        return "".join(c for c in text if c.isdigit()) == \
            "".join(c for c in target.safety_number if c.isdigit())

    def _member(self, gid: str, member: str) -> int:
        for i, m in enumerate(self.members_by_group[gid]):
            if m.fingerprint == member or m.name == member:
                return i
        raise NotFound("There is no member by that name or fingerprint.")

    def promote(self, group: str, member: str) -> None:
        g = self._g(group)
        i = self._member(g.id, member)
        self.members_by_group[g.id][i] = replace(self.members_by_group[g.id][i], role="admin")
        self._emit(ChangeKind.MEMBERS, g.id)

    def remove_member(self, group: str, member: str) -> None:
        g = self._g(group)
        del self.members_by_group[g.id][self._member(g.id, member)]
        self.calls.append(f"remove:{member}")
        self._emit(ChangeKind.MEMBERS, g.id)

    # -- sync ----------------------------------------------------------------------------------
    def add_listener(self, listener: Callable[[ChangeEvent], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def start(self) -> None:
        self.started = True

    def stop(self) -> None:
        self.started = False

    def connection(self) -> ConnectionStatus:
        return self.connection_value

    def sync_once(self, timeout: float = 30.0) -> SyncReport:
        return SyncReport(0, 0, 0)
