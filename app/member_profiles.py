"""Per-group profiles, badges and the member directory (`Services.member_profiles`).

(app/profile.py is something else: where this machine's profile folder lives.)

A member's profile in a group — display name, pronouns, bio, avatar, time zone — is a
signed content payload (crypto.profiles, kind 43) that every member's client keeps when it
names its own signer; admins grant and revoke titles (kind 44); automatic badges are
computed locally (app/badges.py). Everything travels inside the group's encrypted
envelopes, so only the group's members ever see it.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import crypto
from app import badges
from app.access import Access
from app.errors import InvalidInput, NotAllowed
from app.i18n import _
from app.moderation_log import join_times
from app.names import check_name, label, lookalike_keys, shown_name
from app.profiles_inbound import apply_received
from app.runtime import Runtime
from app.sending import seal_and_store
from app.store import Store
from app.verification import is_verified
from app.views import ChangeEvent, ChangeKind
from crypto.profiles import (
    MAX_BIO_BYTES,
    MAX_PRONOUNS_BYTES,
    MAX_TITLE_BYTES,
    Badge,
    Profile,
)

TOP_CONTRIBUTORS_KEY = "top_contributors:"
TOP_N = 5


@dataclass(frozen=True)
class BadgeView:
    """One badge on a profile card: `kind` is "granted" (by an admin) or "auto"."""

    title: str
    kind: str
    code: str = ""                 # automatic badges: founding, posts, welcomer, helpful, ...
    count: int = 0
    granted_by: str | None = None  # the admin's name, for granted titles
    time: int | None = None


@dataclass(frozen=True)
class ProfileView:
    group_id: str
    fingerprint: str
    name: str                      # the profile's name, else the member-list name (cleaned)
    member_name: str               # the name on the member list (cleaned, tagged if alike)
    pronouns: str
    bio: str
    timezone: str                  # an IANA zone name, or ""
    local_time: str                # "HH:MM" in that zone now, "" without a zone
    utc_offset: str                # "+01:00", "" without a zone
    avatar: bytes | None           # a checked JPEG, or None
    role: str
    joined_at: int | None          # the add entry's signed time, when this client holds it
    badges: tuple[BadgeView, ...] = field(default_factory=tuple)
    is_me: bool = False
    safety_number: str = ""
    verified: bool = False
    updated_at: int | None = None


@dataclass(frozen=True)
class Contributor:
    name: str
    fingerprint: str
    posts: int
    reactions: int

    @property
    def score(self) -> int:
        return self.posts + self.reactions


def _zone(name: str) -> ZoneInfo | None:
    if not name or len(name) > 64:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _local(name: str, now: int) -> tuple[str, str]:
    zone = _zone(name)
    if zone is None:
        return "", ""
    moment = dt.datetime.fromtimestamp(now, zone)
    offset = moment.utcoffset() or dt.timedelta()
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return moment.strftime("%H:%M"), f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _pronouns(value: str) -> str:
    value = " ".join((value or "").split())
    if len(value.encode("utf-8")) > MAX_PRONOUNS_BYTES:
        raise InvalidInput(_("Pronouns can be at most {limit} bytes.").format(
            limit=MAX_PRONOUNS_BYTES))
    return value


def _bio(value: str) -> str:
    value = (value or "").strip()
    if len(value.encode("utf-8")) > MAX_BIO_BYTES:
        raise InvalidInput(_("A bio can be at most {limit} bytes.").format(limit=MAX_BIO_BYTES))
    return value


class MemberProfileService:
    """Profiles in each group, badges, the member directory, top contributors."""

    def __init__(self, access: Access) -> None:
        self._access = access

    # -- my profile ---------------------------------------------------------------------------
    def update(self, group: str, *, name: str | None = None, pronouns: str | None = None,
               bio: str | None = None, avatar: str | Path | None = None,
               clear_avatar: bool = False, timezone: str | None = None) -> ProfileView:
        """Change my profile in GROUP (fields left None keep their value) and send it."""
        rt = self._access.runtime()
        record = rt.resolve_group(group)
        gid = record.id
        me = rt.me
        held = rt.store.profiles.profiles(gid).get(me)
        new_name = held.name if held else ""
        if name is not None:
            new_name = check_name(name, _("The name")) if name.strip() else ""
        new_pronouns = _pronouns(pronouns) if pronouns is not None \
            else (held.pronouns if held else "")
        new_bio = _bio(bio) if bio is not None else (held.bio if held else "")
        new_tz = held.timezone if held else ""
        if timezone is not None:
            new_tz = timezone.strip()
            if new_tz and (_zone(new_tz) is None or new_tz not in _zones()):
                raise InvalidInput(_("'{zone}' is not a time zone name such as Europe/Berlin.")
                                   .format(zone=timezone))
        picture = (held.avatar or b"") if held else b""
        if clear_avatar:
            picture = b""
        if avatar is not None:
            from app.avatars import prepare_avatar  # Pillow, only when a picture is chosen

            picture = prepare_avatar(avatar)
        content = Profile(me, new_name, new_pronouns, new_bio, new_tz, picture)
        if record.removed:
            raise NotAllowed(_("You were removed from this group; it is read-only now."))
        session = rt.session(gid)

        def local(store: Store, sealed: crypto.Sealed) -> None:
            apply_received(store, gid, me, sealed.message_id, sealed.sent_at, sealed.epoch,
                           sealed.seq, content)

        seal_and_store(rt, gid, session, content, local)
        # my name shows on my posts and in the member lists: windows re-read them
        rt.hub.emit(ChangeEvent(ChangeKind.MEMBERS, gid.hex()))
        return self.show(group, me.hex())

    # -- badges -------------------------------------------------------------------------------
    def grant_badge(self, group: str, member: str, title: str) -> None:
        self._badge(group, member, title, True)

    def revoke_badge(self, group: str, member: str, title: str) -> None:
        self._badge(group, member, title, False)

    def _badge(self, group: str, member: str, title: str, on: bool) -> None:
        rt = self._access.runtime()
        record = rt.resolve_group(group)
        gid = record.id
        target = self._member(rt, gid, member)
        clean = " ".join((title or "").split())
        if not clean:
            raise InvalidInput(_("A badge needs a title."))
        if len(clean.encode("utf-8")) > MAX_TITLE_BYTES:
            raise InvalidInput(_("A badge title can be at most {limit} bytes.").format(
                limit=MAX_TITLE_BYTES))
        held = badges.granted_titles(rt.store.profiles.badge_log(gid)).get(target.ik, {})
        if on and clean in held:
            raise InvalidInput(_("{name} has that badge already.").format(name=target.name))
        if not on and clean not in held:
            raise InvalidInput(_("{name} has no badge '{title}'.").format(name=target.name,
                                                                          title=clean))
        session = rt.session(gid)
        if record.removed:
            raise NotAllowed(_("You were removed from this group; it is read-only now."))
        content = Badge(target.ik, clean, on)

        def local(store: Store, sealed: crypto.Sealed) -> None:
            apply_received(store, gid, rt.me, sealed.message_id, sealed.sent_at,
                           sealed.epoch, sealed.seq, content)

        seal_and_store(rt, gid, session, content, local)

    # -- reading ------------------------------------------------------------------------------
    def show(self, group: str, member: str) -> ProfileView:
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        target = self._member(rt, gid, member)
        return next(v for v in self._views(rt, gid) if v.fingerprint ==
                    crypto.fingerprint(target.ik))

    def mine(self, group: str) -> ProfileView:
        rt = self._access.runtime()
        return self.show(group, rt.me.hex())

    def directory(self, group: str, query: str = "") -> list[ProfileView]:
        """Every current member's card; `query` keeps those whose names, pronouns, bio,
        role or badges contain it (any case)."""
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        views = self._views(rt, gid)
        needle = " ".join(query.split()).casefold()
        if not needle:
            return views
        return [v for v in views if needle in " ".join(
            [v.name, v.member_name, v.pronouns, v.bio, v.role, v.fingerprint.replace(" ", ""),
             *(b.title for b in v.badges)]).casefold()]

    def badges_of_all(self, group: str) -> dict[str, tuple[BadgeView, ...]]:
        """fingerprint -> badges, for marks beside names."""
        return {v.fingerprint: v.badges for v in self.directory(group)}

    # -- top contributors (opt-in, local) --------------------------------------------------------
    def top_contributors_enabled(self, group: str) -> bool:
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        return rt.store.settings.get(TOP_CONTRIBUTORS_KEY + gid.hex()) == "1"

    def set_top_contributors(self, group: str, on: bool) -> None:
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        rt.store.settings.set(TOP_CONTRIBUTORS_KEY + gid.hex(), "1" if on else "0")

    def top_contributors(self, group: str, year: int | None = None,
                         month: int | None = None) -> list[Contributor]:
        """The month's (UTC, default this one) top posters and most-reacted-to members,
        computed on this machine from what it holds: posts + reactions from others."""
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        today = dt.datetime.fromtimestamp(rt.now(), dt.UTC)
        year = year or today.year
        month = month or today.month
        start = calendar.timegm((year, month, 1, 0, 0, 0))
        nxt = (year + 1, 1) if month == 12 else (year, month + 1)
        end = calendar.timegm((*nxt, 1, 0, 0, 0))
        posts, reactions = rt.store.profiles.monthly_counts(gid, start, end)
        names = {v.fingerprint: v.name for v in self._views(rt, gid)}
        out = []
        for m in rt.session(gid).members():
            fp = crypto.fingerprint(m.ik)
            c = Contributor(names.get(fp, shown_name(m.name)), fp, posts.get(m.ik, 0),
                            reactions.get(m.ik, 0))
            if c.score:
                out.append(c)
        out.sort(key=lambda c: (-c.score, -c.reactions, c.fingerprint))
        return out[:TOP_N]

    # -- internals ----------------------------------------------------------------------------
    @staticmethod
    def _member(rt: Runtime, gid: bytes, ref: str) -> crypto.Member:
        plain = (ref or "").strip().lower()
        if len(plain) == 64:
            try:
                ik = bytes.fromhex(plain)
            except ValueError:
                ik = b""
            found = rt.session(gid).member(ik)
            if found is not None:
                return found
        return rt.resolve_member(gid, ref)

    def _views(self, rt: Runtime, gid: bytes) -> list[ProfileView]:
        store = rt.store
        session = rt.session(gid)
        members = session.members()
        me = rt.me
        now = rt.now()
        profiles = store.profiles.profiles(gid)
        joined = join_times(store, gid)
        granted = badges.granted_titles(store.profiles.badge_log(gid))
        auto = self._automatic(rt, gid, members, joined, now)
        stored = {m.ik: m for m in store.groups.list_members(gid)}
        shown = {m.ik: shown_name(profiles[m.ik].name) if m.ik in profiles
                 and profiles[m.ik].name else shown_name(m.name) for m in members}
        fps = {m.ik: crypto.fingerprint(m.ik) for m in members}
        alike = lookalike_keys([(fps[ik], n) for ik, n in shown.items()]
                               + [(fps[m.ik], shown_name(m.name)) for m in members])
        names = {m.ik: shown_name(m.name) for m in members}
        out = []
        for m in members:
            fp = fps[m.ik]
            p = profiles.get(m.ik)
            local_time, offset = _local(p.timezone, now) if p else ("", "")
            titles = [BadgeView(t, "granted", granted_by=names.get(e.actor_ik, shown_name("")),
                                time=e.sent_time)
                      for t, e in sorted(granted.get(m.ik, {}).items())]
            titles += [BadgeView(a.title, "auto", a.code, a.count) for a in auto.get(m.ik, [])]
            role = stored[m.ik].role if m.ik in stored else m.role
            mine = m.ik == me
            out.append(ProfileView(
                group_id=gid.hex(), fingerprint=fp,
                name=label(shown[m.ik], fp, fp in alike),
                member_name=label(names[m.ik], fp, fp in alike),
                pronouns=p.pronouns if p else "", bio=p.bio if p else "",
                timezone=p.timezone if p and local_time else "", local_time=local_time,
                utc_offset=offset, avatar=p.avatar if p else None, role=role,
                joined_at=joined.get(m.ik), badges=tuple(titles), is_me=mine,
                safety_number="" if mine else crypto.safety_number(me, m.ik),
                verified=is_verified(rt, m.ik), updated_at=p.sent_time if p else None))
        return out

    @staticmethod
    def _automatic(rt: Runtime, gid: bytes, members: list[crypto.Member],
                   joined: dict[bytes, int], now: int) -> dict[bytes, list[badges.AutoBadge]]:
        store = rt.store
        positions = {m.ik: m.joined_seq for m in members}
        names = {m.ik: m.name for m in members}
        added = {ik: t for ik, t in joined.items() if ik in positions and positions[ik] > 0}
        windows = {ik: store.profiles.posts_between(gid, t, t + badges.WELCOME_WINDOW)
                   for ik, t in added.items()}
        newcomers = {ik: names[ik] for ik in added}
        targets = sorted({p.reply_to for ps in windows.values() for p in ps
                          if p.reply_to is not None})
        senders = store.profiles.senders_of(gid, targets)
        welcomed = badges.first_welcomers(newcomers, windows, senders)
        return badges.automatic(positions, joined, store.profiles.post_counts(gid),
                                store.profiles.reactions_received(gid), welcomed, now)


_ZONES: frozenset[str] | None = None


def _zones() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES
