"""The moderation log and its verdicts (the rules half of app/moderation.py, which the
inbound path uses too). Moderation every member's client enforces the same way: removals with a reason,
timeouts and lifts, bans, slow mode and locked channels, and the log everyone can read.

Each action is a content payload (crypto.moderation, kinds 32-37) signed by the moderator or
admin; crypto refuses it from anyone whose role does not allow it. The log is the set of
accepted actions in the order (signed time, actor, sequence), and every verdict is a pure
function of that log and the message judged, using only signed times (docs/protocol.md
§5.3.3):

- a member is timed out for a message signed at t when the last timeout or lift for them
  signed at or before t is a timeout whose end is after t;
- a channel's slow mode and lock for a message signed at t are those of the last channel
  rule for it signed at or before t; moderators, admins and the owner are exempt;
- slow mode refuses a post signed less than N seconds after the sender's previous stored
  post in that channel (both times from the sender's own clock, so skew between members'
  clocks only moves when a rule starts for a sender, never splits a verdict).

A message judged before the action that refuses it arrived (delayed or reordered delivery)
is removed when the action arrives, so every client ends with the same timeline.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import crypto
from app import notes
from app.i18n import _, local_time, ngettext
from app.names import isolate, label, lookalike_keys, shown_name
from app.runtime import Runtime
from app.store import GENERAL, Store
from app.store.moderation import ModEntry
from app.views import PostView

MOD_PREFIX = "mod-"


def _actions() -> tuple[type, ...]:
    return (crypto.ModRemove, crypto.Timeout, crypto.Lift, crypto.Ban, crypto.Unban,
            crypto.ChannelRule, crypto.GroupSettings)


@cache
def _judged() -> tuple[type, ...]:
    # What timeouts judge besides posts: reactions, edits, files and votes (newcomer
    # safeguards: files; locks and slow mode: posts only).
    from crypto.file_payloads import Attachment
    from crypto.polls import PollSealedVote, PollVote
    return (crypto.Post, crypto.Reaction, crypto.Edit, Attachment, PollVote, PollSealedVote)


# ACTIONS (the moderation payloads) and JUDGED are built on first use (PEP 562), so that
# reading a timeline, which only lists the log, loads no payload kinds it does not show.
_LAZY = {"ACTIONS": _actions, "JUDGED": _judged}


def __getattr__(name: str) -> tuple[type, ...]:
    build = _LAZY.get(name)
    if build is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = globals()[name] = build()
    return value


_LINK = re.compile(r"(?i)\b(?:https?://|www\.)\S")
_MENTION = re.compile(r"(?<![\w@])@\w")
MASS_MENTIONS = 5
MAX_TIMEOUT_SECONDS = 365 * 86400


def log_seq(epoch: int, seq: int) -> int:
    """The position of a message among its sender's: sequence numbers start again in each
    epoch, so the epoch orders first (one sender's two actions in one second, across a
    key change, keep their order)."""
    return (epoch << 32) | seq


def entry_of(msg_id: bytes, actor: bytes, sent_at: int, seq: int, c: Any,
             author_of: Callable[[bytes], bytes | None]) -> ModEntry | None:
    """The log row for a moderation payload (None for any other content)."""
    if isinstance(c, crypto.ModRemove):
        return ModEntry(msg_id, actor, "remove", author_of(c.target), c.target,
                        reason=c.reason, sent_time=sent_at, seq=seq)
    if isinstance(c, crypto.Timeout):
        return ModEntry(msg_id, actor, "timeout", c.member, until=c.until, reason=c.reason,
                        sent_time=sent_at, seq=seq)
    if isinstance(c, crypto.Lift):
        return ModEntry(msg_id, actor, "lift", c.member, sent_time=sent_at, seq=seq)
    if isinstance(c, crypto.Ban):
        return ModEntry(msg_id, actor, "ban", c.member, reason=c.reason, sent_time=sent_at,
                        seq=seq)
    if isinstance(c, crypto.Unban):
        return ModEntry(msg_id, actor, "unban", c.member, sent_time=sent_at, seq=seq)
    if isinstance(c, crypto.ChannelRule):
        return ModEntry(msg_id, actor, "channel", channel_id=c.channel, slowmode=c.slowmode,
                        locked=c.locked, sent_time=sent_at, seq=seq)
    if isinstance(c, crypto.GroupSettings):
        return ModEntry(msg_id, actor, "settings", quiet=c.quiet,
                        newcomer_days=c.newcomer_days, sent_time=sent_at, seq=seq,
                        approve_first=c.approve_first)
    return None


@dataclass
class ModState:
    """One group's moderation log in memory, with the verdicts it implies."""

    entries: list[ModEntry] = field(default_factory=list)
    last_post: dict[tuple[bytes, bytes], int] = field(default_factory=dict)  # slow mode cache

    def add(self, e: ModEntry) -> None:
        if any(x.msg_id == e.msg_id for x in self.entries):
            return
        self.entries.append(e)
        self.entries.sort(key=lambda x: x.order)

    def timed_out_until(self, ik: bytes, t: int) -> int | None:
        until = None
        for e in self.entries:
            if e.sent_time > t:
                break
            if e.target_ik == ik and e.action in ("timeout", "lift"):
                until = e.until if e.action == "timeout" else None
        return until if until is not None and t < until else None

    def rule(self, channel: bytes, t: int) -> tuple[int, bool]:
        slow, locked = 0, False
        for e in self.entries:
            if e.sent_time > t:
                break
            if e.action == "channel" and e.channel_id == channel:
                slow, locked = e.slowmode or 0, bool(e.locked)
        return slow, locked

    def settings(self, t: int | None = None) -> tuple[bool, int]:
        """(quiet, newcomer days) of the last settings signed at or before t (None: the
        last of all)."""
        quiet, days = False, 0
        for e in self.entries:
            if t is not None and e.sent_time > t:
                break
            if e.action == "settings":
                quiet, days = bool(e.quiet), e.newcomer_days or 0
        return quiet, days

    def approve_since(self, t: int | None = None) -> int | None:
        """When first-post approval was switched on, for a message signed at t (None: now),
        or None while it is off: the signed time of the first settings entry of the run of
        settings with approval on that is in force at t."""
        since = None
        for e in self.entries:
            if t is not None and e.sent_time > t:
                break
            if e.action == "settings":
                since = (since if since is not None else e.sent_time) if e.approve_first \
                    else None
        return since

    def held(self, role: str, sent_at: int, joined_at: int | None,
             approved: bool) -> bool:
        """Whether a post signed at `sent_at` waits for a moderator's approval: approval is
        on at that time, the sender cannot moderate, joined (as far as this member knows)
        at or after approval was switched on, and has no approved post yet."""
        if approved or joined_at is None or crypto.can(role, "moderate"):
            return False
        since = self.approve_since(sent_at)
        return since is not None and joined_at >= since

    def banned(self) -> dict[bytes, ModEntry]:
        """Banned identity keys with the ban that stands."""
        out: dict[bytes, ModEntry] = {}
        for e in self.entries:
            if e.action == "ban" and e.target_ik is not None:
                out[e.target_ik] = e
            elif e.action == "unban" and e.target_ik is not None:
                out.pop(e.target_ik, None)
        return out

    def verdict(self, role: str, sender: bytes, content: Any, sent_at: int,
                last_post: Callable[[bytes], int | None],
                joined_at: int | None = None) -> str | None:
        """Why every client refuses `content` by the moderation log, or None. `joined_at`
        is the signed time of the sender's add entry when known (newcomer safeguards)."""
        if not isinstance(content, _judged()):
            return None
        until = self.timed_out_until(sender, sent_at)
        if until is not None:
            return _("timed out until {until}").format(until=local_time(until))
        if crypto.can(role, "moderate"):
            return None
        _quiet, days = self.settings(sent_at)
        if days and joined_at is not None and sent_at - joined_at < days * 86400:
            why = _newcomer(content)
            if why is not None:
                return why.format(days=days)
        if not isinstance(content, crypto.Post):
            return None
        channel = getattr(content, "channel", GENERAL)
        slow, locked = self.rule(channel, sent_at)
        if locked:
            return _("the channel is locked")
        if slow:
            previous = last_post(channel)
            if previous is not None and sent_at - previous < slow:
                return _("slow mode allows one post every {seconds} seconds").format(
                    seconds=slow)
        return None


def _newcomer(content: Any) -> str | None:
    from crypto.file_payloads import Attachment
    if isinstance(content, Attachment):
        return _("new members cannot post files in their first {days} days")
    text = getattr(content, "text", "") or ""
    if _LINK.search(text):
        return _("new members cannot post links in their first {days} days")
    if len(_MENTION.findall(text)) >= MASS_MENTIONS or re.search(r"(?i)@(?:everyone|all)\b",
                                                                   text):
        return _("new members cannot post mass mentions in their first {days} days")
    return None


def describe(e: ModEntry, name_of: Callable[[bytes | None], str], refused: int = 0,
             me: bytes | None = None,
             channel_of: Callable[[bytes], str | None] | None = None) -> str:
    """One line for the conversation and the log: "Ana removed a post by Bo: spam" (whole
    sentences per case, so languages can conjugate)."""
    mine = me is not None and e.actor_ik == me
    to_me = me is not None and e.target_ik == me
    actor = name_of(e.actor_ik)
    target = name_of(e.target_ik) if e.target_ik is not None else _("someone")
    why = f": {e.reason}" if e.reason else ""
    until = local_time(e.until or 0)   # the signed end, in the reader's time and locale
    if e.action == "remove":
        text = (_("You removed a post by {target}") if mine else
                _("{actor} removed a post of yours") if to_me else
                _("{actor} removed a post by {target}"))
    elif e.action == "timeout":
        text = (_("You timed out {target} until {until}") if mine else
                _("{actor} timed you out until {until}") if to_me else
                _("{actor} timed out {target} until {until}"))
    elif e.action == "lift":
        text = (_("You lifted the timeout of {target}") if mine else
                _("{actor} lifted your timeout") if to_me else
                _("{actor} lifted the timeout of {target}"))
    elif e.action == "ban":
        text = _("You banned {target}") if mine else _("{actor} banned {target}")
    elif e.action == "unban":
        text = (_("You lifted the ban on {target}") if mine else
                _("{actor} lifted the ban on {target}"))
    elif e.action == "settings":
        on = bool(e.quiet)
        text = ((_("You turned quiet mode on") if on else _("You turned quiet mode off"))
                if mine else
                (_("{actor} turned quiet mode on") if on else _("{actor} turned quiet mode off")))
        text += "; " + (_("new members cannot post links, mass mentions or files for {days} "
                          "days").format(days=e.newcomer_days) if e.newcomer_days
                        else _("newcomer safeguards off"))
        if e.approve_first:
            text += "; " + _("a new member's first post waits for a moderator's approval")
    else:
        named = channel_of(e.channel_id) if channel_of and e.channel_id else None
        channel = (_("General") if e.channel_id == GENERAL else named if named
                   else _("channel {id}").format(id=(e.channel_id or b"").hex()))
        text = ((_("You locked {channel}") if e.locked else _("You unlocked {channel}"))
                if mine else
                (_("{actor} locked {channel}") if e.locked else _("{actor} unlocked {channel}")))
        text += "; " + (_("slow mode {seconds} s").format(seconds=e.slowmode) if e.slowmode
                        else _("slow mode off"))
        return text.format(actor=actor, channel=channel)
    text = text.format(actor=actor, target=target, until=until) + why
    if e.action == "timeout" and refused:
        text += " " + ngettext("({n} message refused)", "({n} messages refused)",
                               refused).format(n=refused)
    return text


@dataclass(frozen=True)
class ModLogView:
    """One row of the moderation log: who did what to whom, when and why."""

    id: str
    action: str
    actor: str
    actor_fingerprint: str
    target: str | None
    target_fingerprint: str | None
    target_post: str | None
    channel: str | None
    until: int | None
    slowmode: int | None
    locked: bool | None
    reason: str
    time: int
    text: str
    quiet: bool | None = None
    newcomer_days: int | None = None
    approve_first: bool | None = None


def apply_action(store: Store, gid: bytes, actor: bytes, msg_id: bytes, sent_at: int,
                 seq: int, content: Any) -> ModEntry | None:
    """Store a moderation action and its effect (inside the caller's transaction): a
    removal tombstones the post; a timeout removes the member's posts and reactions signed
    in its window that were stored before it arrived; a channel rule re-judges the
    channel's posts signed since it."""

    def author_of(target: bytes) -> bytes | None:
        post = store.posts.get_post(gid, target)
        return post.sender_ik if post is not None else None

    e = entry_of(msg_id, actor, sent_at, seq, content, author_of)
    if e is None or not store.moderation.add(gid, e):
        return None
    if e.action == "remove" and e.target_msg is not None:
        store.posts.apply_delete(gid, e.target_msg, actor, sent_at, admin=True)
    elif e.action == "timeout" and e.target_ik is not None and e.until:
        lifts = [x.sent_time for x in store.moderation.entries(gid)
                 if x.target_ik == e.target_ik and x.action == "lift" and x.sent_time >= sent_at]
        end = min([e.until, *lifts])
        for target in store.moderation.posts_in_window(gid, e.target_ik, sent_at, end):
            store.posts.apply_delete(gid, target, actor, sent_at, admin=True)
            store.moderation.refuse(gid, target, e.target_ik, _("sent while timed out"), sent_at)
        store.moderation.drop_reactions_in_window(gid, e.target_ik, sent_at, end)
    elif e.action == "channel" and e.channel_id is not None:
        rejudge_channel(store, gid, e)
    return e


def rejudge_channel(store: Store, gid: bytes, e: ModEntry) -> None:
    """A channel rule that arrived after posts it applies to (delayed or reordered
    delivery): judge the stored posts of that channel signed since the rule, oldest first,
    as they would have been judged had the rule arrived first, and remove those it refuses,
    so this member ends with what members who received the rule first have."""
    assert e.channel_id is not None
    state = ModState(store.moderation.entries(gid))
    roles = {m.ik: m.role for m in store.groups.list_members(gid)}
    for msg_id, sender, sent_at in store.moderation.channel_posts_since(gid, e.channel_id,
                                                                        e.sent_time):
        if crypto.can(roles.get(sender, "member"), "moderate"):
            continue
        slow, locked = state.rule(e.channel_id, sent_at)
        why = None
        if locked:
            why = _("the channel is locked")
        elif slow:
            previous = store.moderation.last_post_time(gid, sender, e.channel_id, sent_at)
            if previous is not None and sent_at - previous < slow:
                why = _("slow mode allows one post every {seconds} seconds").format(
                    seconds=slow)
        if why is not None:
            store.posts.apply_delete(gid, msg_id, e.actor_ik, e.sent_time, admin=True)
            store.moderation.refuse(gid, msg_id, sender, why, sent_at)


def log_views(rt: Runtime, gid: bytes) -> list[ModLogView]:
    entries = rt.store.moderation.entries(gid)
    refused = rt.store.moderation.refused_counts(gid)
    members = notes.former_names(rt.store.groups.control_log(gid))
    members.update({m.ik: shown_name(m.display_name) for m in rt.store.groups.list_members(gid)})
    alike = {bytes.fromhex(k) for k in lookalike_keys((ik.hex(), n) for ik, n in members.items())}

    def name_of(ik: bytes | None) -> str:
        if ik is None:
            return _("someone")
        return isolate(label(members.get(ik, _("a former member")), crypto.fingerprint(ik),
                             ik in alike))

    channels: dict[bytes, str | None] = {}

    def channel_of(cid: bytes) -> str | None:
        """A channel's name as its definition says, isolated (None when not defined)."""
        if cid not in channels:
            found = rt.store.channels.get_channel(gid, cid)
            channels[cid] = isolate(found.name) if found is not None else None
        return channels[cid]

    out = []
    last_settings: tuple | None = None
    for e in entries:
        if e.action == "settings":   # a repeat (sealed again for newcomers) changes nothing
            now_settings = (bool(e.quiet), e.newcomer_days or 0, bool(e.approve_first))
            if now_settings == last_settings:
                continue
            last_settings = now_settings
        out.append(ModLogView(
            id=f"{MOD_PREFIX}{e.msg_id.hex()}", action=e.action, actor=name_of(e.actor_ik),
            actor_fingerprint=crypto.fingerprint(e.actor_ik),
            target=name_of(e.target_ik) if e.target_ik is not None else None,
            target_fingerprint=crypto.fingerprint(e.target_ik) if e.target_ik else None,
            target_post=e.target_msg.hex() if e.target_msg else None,
            channel=e.channel_id.hex() if e.channel_id is not None else None, until=e.until,
            slowmode=e.slowmode, locked=e.locked, reason=e.reason, time=e.sent_time,
            quiet=e.quiet, newcomer_days=e.newcomer_days, approve_first=e.approve_first,
            text=describe(e, name_of, refused.get(e.target_ik or b"", 0)
                          if e.action == "timeout" else 0, rt.me, channel_of)))
    return out


def timeline_lines(rt: Runtime, gid: bytes) -> list[PostView]:
    """The moderation log as short lines between the posts (kind "event", code "mod:..."),
    none while the admins' settings say quiet."""
    if ModState(rt.store.moderation.entries(gid)).settings()[0]:
        return []
    return [PostView(id=v.id, group_id=gid.hex(), sender_name=v.actor,
                     sender_fingerprint=v.actor_fingerprint, sent_at=v.time, text=v.text,
                     kind="event", code=f"mod:{v.action}")
            for v in log_views(rt, gid)]


def reannounce_settings(rt: Runtime, store: Store, gid: bytes,
                        session: crypto.GroupSession) -> list[crypto.Outgoing]:
    """After I admitted members while first-post approval is on: seal the group settings in
    force again in the new key period, so the newcomers' clients know them too (they cannot
    read what was sent before they joined) and can tell their own posts wait. The run of
    settings goes on unchanged for everyone else. Inside the caller's transaction."""
    if session.status == "removed" or not session.is_admin:
        return []
    state = ModState(store.moderation.entries(gid))
    if state.approve_since() is None:
        return []
    quiet, days = state.settings()
    content = crypto.GroupSettings(quiet, days, True)
    sealed = session.seal(content, rt.now(), rt.rng)
    apply_action(store, gid, rt.me, sealed.message_id, sealed.sent_at,
                 log_seq(sealed.epoch, sealed.seq), content)
    return [sealed.outgoing]


def own_approval(rt: Runtime, gid: bytes, views: list[PostView]) -> list[PostView]:
    """Mark my own posts that wait for a moderator's first-post approval ("waiting": the
    others do not see them yet), as the other members' clients judge them (`ModState.held`);
    nothing to do while approval was never on as far as this client knows."""
    mine = [v for v in views if v.mine and v.kind not in ("event", "warning")
            and not v.deleted and not v.approval]
    if not mine:
        return views
    entries = rt.store.moderation.entries(gid)
    if not any(e.approve_first for e in entries):
        return views
    state, me = ModState(entries), rt.me
    if me in rt.store.reports.approved_members(gid):
        return views
    record = rt.store.groups.get_group(gid)
    role = record.my_role if record is not None else "member"
    joined = join_times(rt.store, gid).get(me)
    decided = rt.store.reports.decided_among(gid, [bytes.fromhex(v.id) for v in mine])
    waiting = {v.id for v in mine if bytes.fromhex(v.id) not in decided
               and state.held(role, v.sent_at, joined, False)}
    return [replace(v, approval="waiting") if v.id in waiting else v for v in views]


def own_refusal(rt: Runtime, gid: bytes, session: crypto.GroupSession, content: Any) -> str | None:
    """Why the log refuses what I am about to send (my own timeout, a lock, slow mode)."""
    entries = rt.store.moderation.entries(gid)
    if not entries:
        return None
    me = rt.me
    return ModState(entries).verdict(
        session.my_role or "member", me, content, rt.now(),
        lambda channel: rt.store.moderation.last_post_time(gid, me, channel, rt.now() + 1),
        join_times(rt.store, gid).get(me))


def join_times(store: Store, gid: bytes) -> dict[bytes, int]:
    """The signed time of each member's add entry this member holds (joined before me:
    unknown) and of the founder's genesis."""
    out: dict[bytes, int] = {}
    for row in store.groups.control_log(gid):
        if row.kind == "add":
            target = notes.target_of(row)
            if target is not None:
                out[target] = row.created
        elif row.kind == "genesis":
            out[row.author_ik] = row.created
    return out


def banned_keys(store: Store, gid: bytes) -> set[bytes]:
    return set(ModState(store.moderation.entries(gid)).banned())
