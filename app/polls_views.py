"""Plain values the UI and the CLI get from `Services.polls` and `Services.events`."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from app.i18n import N_

RsvpAnswer = Literal["going", "maybe", "no"]
ANONYMOUS_NOTE = N_("Anonymous poll: the creator sees who voted; others see totals.")


@dataclass(frozen=True)
class OptionView:
    text: str
    count: int
    voters: tuple[str, ...]        # display names; empty in an anonymous poll
    mine: bool                     # I chose this option (my latest vote)


@dataclass(frozen=True)
class PollView:
    id: str                        # the poll's message id (hex)
    group_id: str
    channel: str                   # channel id (hex); 32 zeros = General
    question: str
    options: tuple[OptionView, ...]
    multi: bool
    anonymous: bool
    creator_name: str
    creator_fingerprint: str
    created_at: int
    closes_at: int                 # 0 when it closes only by hand
    closed: bool
    voters: int                    # members with a counted ballot
    i_voted: bool
    mine: bool                     # I created it
    can_close: bool                # I am its creator or an admin, and it is open
    note: str = ""                 # the anonymous mode's plain sentence
    tally_seq: int = 0             # anonymous: the creator's tally shown (0 = none yet)


@dataclass(frozen=True)
class RsvpView:
    name: str
    fingerprint: str
    answer: RsvpAnswer
    is_me: bool


@dataclass(frozen=True)
class EventView:
    id: str
    group_id: str
    group_name: str
    channel: str
    title: str
    description: str
    place: str
    tz: str                        # IANA name, "" when only a UTC offset was given
    starts_at: int
    ends_at: int                   # 0 when no end was given
    cancelled: bool
    creator_name: str
    creator_fingerprint: str
    created_at: int
    rsvps: tuple[RsvpView, ...]
    my_answer: RsvpAnswer | None
    mine: bool
    can_edit: bool                 # I am its creator or an admin

    def count(self, answer: RsvpAnswer) -> int:
        return sum(1 for r in self.rsvps if r.answer == answer)
