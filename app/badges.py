"""Badges: titles admins grant (kind 44) and automatic badges every client computes the same
way from what it holds (docs/protocol.md §5.3.4).

Granted titles: the state of a (member, title) is its last grant or revoke in the order
(signed time, admin IK, admin's write position); crypto refused any from a non-admin.

Automatic badges, each a pure function of the member list, the control-log entries this
client holds, its stored posts and reactions, and (anniversaries only) today's date:

- founding: the member joined at control-log position ≤ FOUNDING_POSITION (the founder is
  position 0); every client knows each member's position from the member list;
- posts: the highest of POST_MILESTONES reached by the member's stored, undeleted posts;
- welcomer: for each newcomer whose add entry this client holds, the sender of the first
  post (signed time, sender IK, message id) signed within WELCOME_WINDOW after the add, by
  anyone but the newcomer, that replies to one of the newcomer's posts or holds a welcome
  word and the newcomer's member-list name; the badge counts how many newcomers the member welcomed first;
- helpful: the member(s) with the most reactions from others on their undeleted posts
  (each reactor, post and emoji once), at least HELPFUL_MIN;
- anniversary: whole years (of 365 days) since the member's add entry (or genesis), when
  this client holds it.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from app.i18n import _, ngettext
from app.store.profiles import BadgeEntry, PostFact

FOUNDING_POSITION = 10
POST_MILESTONES = (10, 100, 1000, 10000)
WELCOME_WINDOW = 7 * 86400
HELPFUL_MIN = 3
YEAR = 365 * 86400
_WELCOME = re.compile(r"(?i)\b(welcome|willkommen|bienvenue|bienvenid[oa]s?|benvenut[oia])\b"
                      r"|\U0001F44B")


@dataclass(frozen=True)
class AutoBadge:
    """An automatic badge: `code` is founding, posts, welcomer, helpful or anniversary;
    `count` the milestone, newcomers welcomed, reactions or years."""

    code: str
    count: int = 0

    @property
    def title(self) -> str:
        if self.code == "founding":
            return _("Founding member")
        if self.code == "posts":
            return ngettext("{n} post", "{n} posts", self.count).format(n=self.count)
        if self.code == "welcomer":
            return ngettext("First to welcome {n} newcomer",
                            "First to welcome {n} newcomers", self.count).format(n=self.count)
        if self.code == "helpful":
            return _("Most helpful")
        return ngettext("{n} year here", "{n} years here", self.count).format(n=self.count)


def granted_titles(log: Iterable[BadgeEntry]) -> dict[bytes, dict[str, BadgeEntry]]:
    """member IK -> title -> the grant that holds now (revoked titles left out)."""
    state: dict[tuple[bytes, str], BadgeEntry] = {}
    for e in log:                      # already in log order
        state[(e.member_ik, e.title)] = e
    out: dict[bytes, dict[str, BadgeEntry]] = {}
    for (member, title), e in state.items():
        if e.granted:
            out.setdefault(member, {})[title] = e
    return out


def is_welcome(text: str) -> bool:
    return bool(_WELCOME.search(text or ""))


def welcomes(text: str, name: str) -> bool:
    """A welcome word and the newcomer's name (any case, not inside a longer word) in one
    post."""
    if not name or not is_welcome(text):
        return False
    return re.search(rf"(?<!\w){re.escape(name.casefold())}(?!\w)",
                     (text or "").casefold()) is not None


def first_welcomers(newcomers: dict[bytes, str], posts_after: dict[bytes, list[PostFact]],
                    senders: dict[bytes, bytes]) -> dict[bytes, int]:
    """welcomer IK -> newcomers they welcomed first. `newcomers` maps IK -> member-list
    name; `posts_after[newcomer]` are the posts signed in that newcomer's window, in
    order; `senders` maps reply targets to their senders."""
    out: dict[bytes, int] = {}
    for newcomer in sorted(newcomers):
        for p in posts_after.get(newcomer, []):
            if p.sender_ik == newcomer:
                continue
            if welcomes(p.text, newcomers[newcomer]) or (
                    p.reply_to is not None and senders.get(p.reply_to) == newcomer):
                out[p.sender_ik] = out.get(p.sender_ik, 0) + 1
                break
    return out


def automatic(members: dict[bytes, int], joined: dict[bytes, int], posts: dict[bytes, int],
              reactions: dict[bytes, int], welcomed: dict[bytes, int],
              now: int) -> dict[bytes, list[AutoBadge]]:
    """Every current member's automatic badges. `members` maps IK -> control-log position
    of their add; `joined` IK -> signed time of that entry where held."""
    top = max((reactions.get(ik, 0) for ik in members), default=0)
    out: dict[bytes, list[AutoBadge]] = {}
    for ik, position in members.items():
        badges: list[AutoBadge] = []
        if position <= FOUNDING_POSITION:
            badges.append(AutoBadge("founding"))
        reached = [m for m in POST_MILESTONES if posts.get(ik, 0) >= m]
        if reached:
            badges.append(AutoBadge("posts", reached[-1]))
        if welcomed.get(ik):
            badges.append(AutoBadge("welcomer", welcomed[ik]))
        if top >= HELPFUL_MIN and reactions.get(ik, 0) == top:
            badges.append(AutoBadge("helpful", top))
        since = joined.get(ik)
        if since is not None and now - since >= YEAR:
            badges.append(AutoBadge("anniversary", (now - since) // YEAR))
        out[ik] = badges
    return out
