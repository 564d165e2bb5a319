"""A believable set of groups and posts for widget tests and screenshots."""
from __future__ import annotations

import time
from dataclasses import replace
from types import MappingProxyType

from app.views import Quote
from tests.ui.fakes import FakeServices


def populate(fake: FakeServices, now: float | None = None) -> dict[str, str]:
    """Fill `fake` with four groups; returns {name: group id}."""
    t = int(now if now is not None else time.time())
    day = 86400
    club = fake.add_group("Book club", role="admin", members=("Bea", "Chen", "Dara"))
    climb = fake.add_group("Climbing Tuesdays", role="member", members=("Eli", "Fay"))
    family = fake.add_group("Family", role="member", members=("Mum", "Tom"), muted=True)
    lab = fake.add_group("Research team", role="member", members=("Gus",))
    g = club.id
    p1 = fake.add_post(g, "Bea", "Has everyone started *The Left Hand of Darkness*?",
                       sent_at=t - day - 7200, emit=False)
    fake.add_post(g, "Chen", "Halfway through. The **Shifgrethor** chapters are wonderful.",
                  sent_at=t - day - 7000, emit=False)
    fake.add_post(g, "Ana", "Just finished chapter 3 — loving it so far.",
                  sent_at=t - day - 6900, emit=False)
    fake.add_post(g, "Bea", "Shall we meet on Thursday?", sent_at=t - 5400, emit=False,
                  reactions=MappingProxyType({"❤️": ("Chen", "Ana"), "😂": ("Dara",)}),
                  my_reactions=frozenset({"❤️"}))
    fake.add_post(g, "Chen", "Thursday works. I'll bring tea.\n\nAgenda:\n- chapters 4–7\n"
                  "- pick the next book", sent_at=t - 5300, emit=False, edited=True)
    fake.add_post(g, "Dara", "", sent_at=t - 5000, emit=False, deleted=True, deleted_by="Dara")
    fake.add_post(g, "Coterie", "2 posts from Dara are missing; they may arrive later.",
                  sent_at=t - 4900, emit=False, kind="warning")
    fake.add_post(g, "Ana", "Count me in! Same café as last time?", sent_at=t - 1200,
                  emit=False, reply_to=Quote(p1.id, "Bea", p1.text))
    fake.add_post(g, "Dara", "", sent_at=t - 600, emit=False, kind="unsupported")
    fake.add_post(g, "Bea", "Yes — the one by the river. See [the map](https://example.org/map).",
                  sent_at=t - 300, emit=False)
    fake.groups_by_id[g] = replace(fake.groups_by_id[g], unread=0)
    fake.add_post(climb.id, "Eli", "Gym at 7? Bring chalk.", sent_at=t - 3 * 3600, emit=False)
    fake.add_post(climb.id, "Fay", "I'll be 10 minutes late", sent_at=t - 2 * 3600, emit=False)
    fake.add_post(family.id, "Mum", "Sunday lunch at ours", sent_at=t - 2 * day, emit=False)
    fake.add_post(lab.id, "Gus", "Draft is in the shared folder", sent_at=t - 5 * day,
                  emit=False)
    fake.groups_by_id[lab.id] = replace(fake.groups_by_id[lab.id], status="removed")
    fake.add_request(g, "Eve")
    return {"Book club": g, "Climbing Tuesdays": climb.id, "Family": family.id,
            "Research team": lab.id}
