"""Channels and pins as they arrive (kinds 6-7), and the channel rules new posts are
checked against once stored, for app/inbound.py."""
from __future__ import annotations

from typing import Any

import crypto
from app.i18n import _
from app.inbound_work import GroupWork, Opener
from app.reasons import reason_text
from app.runtime import Runtime
from app.store import Store, order_key
from crypto import spaces


def _passed(gw: GroupWork, ev: crypto.ContentReceived, name: str) -> bool:
    """A channel definition or pin is passed on only from an admin (warned of otherwise)."""
    c = ev.content
    sender = gw.session.member(ev.sender_ik)
    rule = spaces.check(c, sender is not None and sender.is_admin,
                        None)
    if rule is not None:
        ignored = (_("A channel change from {name} was ignored: {rule}.")
                   if isinstance(c, crypto.ChannelDef)
                   else _("A pin from {name} was ignored: {rule}."))
        gw.warnings.append(("not_allowed", ignored.format(
            name=name, rule=reason_text(rule)), ev.sender_ik))
        return False
    gw.channels_changed = True
    return True


def open_definition(rt: Runtime, gw: GroupWork, gid: bytes, ev: crypto.ContentReceived,
                    name: str, now: int) -> None:
    if _passed(gw, ev, name):
        gw.changes.append((ev.sender_ik, ev, apply_definition))


def open_pin(rt: Runtime, gw: GroupWork, gid: bytes, ev: crypto.ContentReceived,
             name: str, now: int) -> None:
    if _passed(gw, ev, name):
        gw.changes.append((ev.sender_ik, ev, apply_pin))


def apply_definition(rt: Runtime, store: Store, gid: bytes, gw: GroupWork, sender: bytes,
                     ev: Any) -> None:
    c = ev.content
    store.channels.apply_definition(gid, c.channel, c.kind_name, c.name, c.topic,
                                    c.position, c.archived, c.tags, ev.sent_at,
                                    order_key(ev.epoch, ev.seq, ev.message_id), sender)


def apply_pin(rt: Runtime, store: Store, gid: bytes, gw: GroupWork, sender: bytes,
              ev: Any) -> None:
    c = ev.content
    # refused by the cap at its place in the pin history (this one, or a later one
    # this earlier one pushed over): shown as refused, never silently dropped
    gw.pins_full += store.channels.apply_pin(gid, c.channel, c.target, c.on, sender,
                                             ev.sent_at,
                                             order_key(ev.epoch, ev.seq, ev.message_id),
                                             spaces.MAX_PINS)


def check_rules(store: Store, gid: bytes, gw: GroupWork) -> None:
    """Warn of new posts that break a channel rule: a member's top-level post in an
    announcements channel (kept, shown as rejected), a thread reply whose root is a post
    of another group (never shown in either)."""
    fresh = set(gw.fresh)
    kinds: dict[bytes, str | None] = {}
    for msg_id, post, name, by_admin in gw.checks:
        if msg_id not in fresh:
            continue
        if post.thread is None:
            if post.channel not in kinds:
                found = store.channels.get_channel(gid, post.channel)
                kinds[post.channel] = found.kind if found else None
            if kinds[post.channel] == "announcements" and not by_admin:
                gw.warnings.append(("not_allowed", _(
                    "A post from {name} was rejected: {rule}.").format(
                    name=name, rule=reason_text(spaces.RULE_ANNOUNCE)), None))
        elif store.posts.stored_elsewhere(gid, post.thread):
            gw.warnings.append(("not_allowed", _(
                "A thread reply from {name} was ignored: its thread starts in another "
                "group.").format(name=name), None))
    gw.checks = []


OPENERS: dict[type, Opener] = {crypto.ChannelDef: open_definition, crypto.Pin: open_pin}


def finish(rt: Runtime, store: Store, gid: bytes, gw: GroupWork) -> None:
    check_rules(store, gid, gw)
