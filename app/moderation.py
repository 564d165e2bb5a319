"""Moderation actions for moderators and admins, and the log every member can read
(`Services.moderation`); the log and its verdicts are in app/moderation_log.py."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import crypto
from app.access import Access
from app.admin import membership_op, sentence
from app.errors import InvalidInput, NotAllowed
from app.i18n import _
from app.moderation_log import (
    MAX_TIMEOUT_SECONDS,
    ModLogView,
    ModState,
    apply_action,
    log_seq,
    log_views,
)
from app.runtime import Pending
from app.store import GENERAL, Store
from app.views import ChangeEvent, ChangeKind

__all__ = ["ModerationService", "ModLogView", "Standing", "parse_channel"]


@dataclass(frozen=True)
class Standing:
    """What the moderation log says now about me in one channel: the window's composer
    shows it before anything is typed (the rules themselves are enforced when sealing)."""

    timed_out_until: int | None   # signed time my timeout ends, None when not timed out
    slowmode: int                 # the channel's slow mode in seconds (0 off)
    locked: bool                  # the channel is locked
    exempt: bool                  # my role moderates: locks and slow mode do not apply
    next_post_at: int | None = None   # slow mode: when I may post here again (None: now)


def parse_channel(ref: str) -> bytes:
    """General (any case) or a 32-hex-digit channel id."""
    if ref.strip().casefold() == "general":
        return GENERAL
    try:
        raw = bytes.fromhex(ref.strip())
    except ValueError:
        raw = b""
    if len(raw) != 16:
        raise InvalidInput(_("A channel is General or its 32-hex-digit id."))
    return raw


class ModerationService:
    """Moderation actions (moderators and admins; bans admins) and the log (everyone)."""

    def __init__(self, access: Access) -> None:
        self._access = access

    # -- acting ---------------------------------------------------------------------------
    def _act(self, group: str, content: Any) -> None:
        rt = self._access.runtime()
        record = rt.resolve_group(group)
        if record.removed:
            raise NotAllowed(_("You were removed from this group; it is read-only now."))
        gid = record.id
        session = rt.session(gid)
        with rt.lock:
            try:
                sealed = session.seal(content, rt.now(), rt.rng)
            except crypto.NotAllowed as exc:
                raise NotAllowed(sentence(exc)) from exc

            def work(store: Store, pending: Pending) -> None:
                store.groups.save_group_state(gid, session.to_bytes())
                apply_action(store, gid, rt.me, sealed.message_id, sealed.sent_at,
                             log_seq(sealed.epoch, sealed.seq), content)
                rt.enqueue_in_txn(store, session.relay_url, [sealed.outgoing], gid, pending)
                pending.events.append(ChangeEvent(ChangeKind.POSTS, gid.hex()))
                pending.events.append(ChangeEvent(ChangeKind.GROUPS, gid.hex()))

            rt.commit(work, touched=[gid])

    def remove_post(self, group: str, post_id: str, reason: str = "") -> None:
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        msg = _post_id(post_id)
        if rt.store.posts.get_post(gid, msg) is None:
            raise InvalidInput(_("There is no post '{post}' in this group.").format(post=post_id))
        self._act(group, crypto.ModRemove(msg, _reason(reason)))

    def timeout(self, group: str, member: str, seconds: int, reason: str = "") -> None:
        if not 0 < seconds <= MAX_TIMEOUT_SECONDS:
            raise InvalidInput(_("A timeout lasts more than zero seconds and at most a year."))
        rt = self._access.runtime()
        target = rt.resolve_member(rt.resolve_group(group).id, member)
        if target.ik == rt.me:
            raise InvalidInput(_("You cannot time yourself out."))
        self._act(group, crypto.Timeout(target.ik, rt.now() + seconds, _reason(reason)))

    def lift(self, group: str, member: str) -> None:
        rt = self._access.runtime()
        target = rt.resolve_member(rt.resolve_group(group).id, member)
        self._act(group, crypto.Lift(target.ik))

    def ban(self, group: str, member: str, reason: str = "") -> None:
        """Ban (admins): the Ban payload, then the removal with a new key."""
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        target = rt.resolve_member(gid, member)
        if target.ik == rt.me:
            raise InvalidInput(_("You cannot ban yourself."))
        if target.role == "owner":
            raise NotAllowed(_("No one can ban the owner."))
        session = rt.session(gid)
        if not session.is_admin:
            raise NotAllowed(_("Only an admin can ban."))
        self._act(group, crypto.Ban(target.ik, _reason(reason)))
        membership_op(rt, group, lambda s: s.remove(target.ik, rt.now(), rt.rng))

    def unban(self, group: str, fingerprint: str) -> None:
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        plain = fingerprint.replace(" ", "").lower()
        banned = ModState(rt.store.moderation.entries(gid)).banned()
        match = [ik for ik in banned if crypto.fingerprint(ik).replace(" ", "").startswith(plain)]
        if len(plain) < 4 or len(match) != 1:
            raise InvalidInput(_("No one banned from this group matches '{fingerprint}'.").format(
                fingerprint=fingerprint))
        self._act(group, crypto.Unban(match[0]))

    def channel_rule(self, group: str, channel: str, *, slowmode: int | None = None,
                     locked: bool | None = None) -> None:
        """Change slow mode (seconds, 0 = off) and/or the lock of a channel."""
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        cid = parse_channel(channel)
        slow, lock = ModState(rt.store.moderation.entries(gid)).rule(cid, rt.now())
        slow = slow if slowmode is None else slowmode
        lock = lock if locked is None else locked
        if not 0 <= slow <= crypto.moderation.MAX_SLOWMODE_SECONDS:
            raise InvalidInput(_("Slow mode is 0 (off) to 7 days."))
        self._act(group, crypto.ChannelRule(cid, slow, lock))

    def settings(self, group: str, *, quiet: bool | None = None,
                 newcomer_days: int | None = None, approve_first: bool | None = None) -> None:
        """Admins: quiet mode (no moderation lines in the conversation; the log keeps
        them), newcomer safeguards (days a new member cannot post links, mass mentions
        or files; 0 = off) and first-post approval (a new member's posts wait for a
        moderator until one is approved)."""
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        state = ModState(rt.store.moderation.entries(gid))
        was_quiet, was_days = state.settings()
        was_approve = state.approve_since() is not None
        days = was_days if newcomer_days is None else newcomer_days
        if not 0 <= days <= crypto.moderation.MAX_NEWCOMER_DAYS:
            raise InvalidInput(_("Newcomer safeguards last 0 (off) to 365 days."))
        self._act(group, crypto.GroupSettings(
            was_quiet if quiet is None else quiet, days,
            was_approve if approve_first is None else approve_first))

    def approve_first(self, group: str) -> bool:
        """Whether a new member's first post waits for a moderator's approval now."""
        rt = self._access.runtime()
        entries = rt.store.moderation.entries(rt.resolve_group(group).id)
        return ModState(entries).approve_since() is not None

    def current_settings(self, group: str) -> tuple[bool, int]:
        """(quiet, newcomer days) as the log says now."""
        rt = self._access.runtime()
        return ModState(rt.store.moderation.entries(rt.resolve_group(group).id)).settings()

    # -- reading ----------------------------------------------------------------------------
    def standing(self, group: str, channel: str = "General") -> Standing:
        """My timeout and the channel's slow mode and lock as the log says now."""
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        state = ModState(rt.store.moderation.entries(gid))
        now = rt.now()
        cid = parse_channel(channel)
        slow, lock = state.rule(cid, now)
        role = rt.session(gid).my_role or "member"
        exempt = crypto.can(role, "moderate")
        after = None
        if slow and not exempt:
            previous = rt.store.moderation.last_post_time(gid, rt.identity.ik, cid, now + 1)
            if previous is not None and previous + slow > now:
                after = previous + slow
        return Standing(state.timed_out_until(rt.identity.ik, now), slow, lock, exempt, after)

    def log(self, group: str) -> list[ModLogView]:
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        return log_views(rt, gid)

    def banned(self, group: str) -> list[str]:
        """Fingerprints of the identities banned from GROUP."""
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        return [crypto.fingerprint(ik)
                for ik in ModState(rt.store.moderation.entries(gid)).banned()]


def _post_id(ref: str) -> bytes:
    try:
        raw = bytes.fromhex(ref.strip())
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise InvalidInput(_("A post id is 64 hex digits."))
    return raw


def _reason(text: str) -> str:
    text = (text or "").strip()
    if len(text.encode("utf-8")) > crypto.moderation.MAX_REASON_BYTES:
        raise InvalidInput(_("A reason is at most 200 bytes."))
    return text


