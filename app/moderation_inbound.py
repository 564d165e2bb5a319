"""Moderation as a batch is opened (app/moderation_log.py holds the rules): actions go into
the group's log at once and are stored with the batch's changes; a message the log refuses
(timeouts, bans, locks, slow mode, newcomer safeguards) is counted and never stored; a
newcomer's post may wait for first-post approval (app/reports_inbound.py decides)."""
from __future__ import annotations

from typing import Any

import crypto
from app import moderation_log as moderation
from app.inbound_work import GroupWork, Opener
from app.runtime import Runtime
from app.store import Store


def state(rt: Runtime, gw: GroupWork, gid: bytes) -> moderation.ModState:
    """The group's moderation log, loaded once per batch when first needed."""
    if gw.mod is None:
        gw.mod = moderation.ModState(rt.store.moderation.entries(gid))
    return gw.mod


def open_action(rt: Runtime, gw: GroupWork, gid: bytes, ev: crypto.ContentReceived,
                name: str, now: int) -> None:
    """A moderation action: into the log now (it judges the messages after it in this
    batch), stored with the changes."""
    c = ev.content
    e = moderation.entry_of(ev.message_id, ev.sender_ik, ev.sent_at,
                            moderation.log_seq(ev.epoch, ev.seq), c,
                            lambda _t: None)
    if e is not None:
        state(rt, gw, gid).add(e)
    gw.changes.append((ev.sender_ik, ev, apply_action))


def apply_action(rt: Runtime, store: Store, gid: bytes, gw: GroupWork, sender: bytes,
                 ev: Any) -> None:
    gw.mod_lines = True      # crypto checked the actor's role
    moderation.apply_action(store, gid, sender, ev.message_id, ev.sent_at,
                            moderation.log_seq(ev.epoch, ev.seq), ev.content)


def refused(rt: Runtime, gw: GroupWork, gid: bytes, ev: crypto.ContentReceived) -> bool:
    """Whether the moderation log refuses this message (counted, never stored)."""
    c = ev.content
    if not isinstance(c, moderation.JUDGED):
        return False
    log = state(rt, gw, gid)
    if not log.entries:
        return False
    member = gw.session.member(ev.sender_ik)
    sender = ev.sender_ik

    def last_post(channel: bytes) -> int | None:
        key = (sender, channel)
        if key not in log.last_post:
            found = rt.store.moderation.last_post_time(gid, sender, channel, ev.sent_at)
            if found is not None:
                log.last_post[key] = found
        return log.last_post.get(key)

    joined = None
    if log.settings(ev.sent_at)[1]:
        if gw.joined is None:
            gw.joined = moderation.join_times(rt.store, gid)
        joined = gw.joined.get(sender)
    why = log.verdict(member.role if member else "member", sender, c, ev.sent_at,
                      last_post, joined)
    if why is None:
        if isinstance(c, crypto.Post):
            key = (sender, c.channel)
            log.last_post[key] = max(log.last_post.get(key, 0), ev.sent_at)
        return False
    gw.refused[(sender, why)] = gw.refused.get((sender, why), 0) + 1
    gw.mod_refused.append((ev.message_id, sender, why, ev.sent_at))
    return True


def for_approval(rt: Runtime, gw: GroupWork, gid: bytes, ev: crypto.ContentReceived,
                 sender: crypto.Member | None) -> bool:
    """Whether this post may have to wait for a moderator's approval (first-post
    approval on, from a newcomer): decided on the store thread (reports_inbound)."""
    log = state(rt, gw, gid)
    if not log.entries or log.approve_since(ev.sent_at) is None:
        return False
    if gw.joined is None:
        gw.joined = moderation.join_times(rt.store, gid)
    return log.held(sender.role if sender else "member", ev.sent_at,
                    gw.joined.get(ev.sender_ik), False)


OPENERS: dict[type, Opener] = dict.fromkeys(moderation.ACTIONS, open_action)


def finish(rt: Runtime, store: Store, gid: bytes, gw: GroupWork) -> None:
    if gw.added == "me":     # the settings in force, for the members I just admitted
        gw.outgoing += moderation.reannounce_settings(rt, store, gid, gw.session)
