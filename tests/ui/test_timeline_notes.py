"""Joins, approvals, removals, promotions and renames show as one-line notes in the open
timeline (who, what, when), for the admin who made them and for the other members, through
the real window, services, relay and stores."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt

from app.names import FSI, PDI
from tests.ui.timeline_world import WAIT, People, open_group, rows, settle
from ui.models.keyed_list import ITEM_ROLE

pytestmark = pytest.mark.slow


def _notes(who) -> list[str]:  # noqa: ANN001
    return [p.text.replace(FSI, "").replace(PDI, "") for p in rows(who) if p.kind == "event"]


def test_membership_changes_show_in_both_timelines(qtbot, qapp, people: People) -> None:
    ana, bea, cleo = people.person("Ana"), people.person("Bea"), people.person("Cleo")
    gid = people.group(ana, "Book club", bea)
    people.open_window(qtbot, qapp, ana)
    people.open_window(qtbot, qapp, bea)
    open_group(qtbot, ana, gid)
    open_group(qtbot, bea, gid)
    assert _notes(ana) == ["You created the group", "You added Bea"]
    assert _notes(bea) == ["Ana added you"]

    bea.services.posts.post(gid, "hello")
    bea.services.sync_once()
    ana.services.groups.promote(gid, bea.fingerprint)
    ana.services.groups.rename(gid, "Books & tea")
    people.admit(ana, gid, cleo)
    ana.services.groups.remove_member(gid, cleo.fingerprint)
    ana.services.sync_once()
    bea.services.sync_once()

    expected = ["made Bea an admin", "renamed the group to “Books & tea”", "added Cleo",
                "removed Cleo"]
    qtbot.waitUntil(lambda: _notes(ana) == ["You created the group", "You added Bea"]
                    + [f"You {e}" for e in expected], timeout=WAIT)
    qtbot.waitUntil(lambda: _notes(bea) == ["Ana added you", "Ana made you an admin"]
                    + [f"Ana {e}" for e in expected[1:]], timeout=WAIT)
    # each note sits in time order among the posts and says when
    texts = [p.kind for p in rows(bea)]
    assert texts.index("post") < len(texts) - 1
    note = next(p for p in rows(bea) if p.kind == "event" and "removed" in p.text)
    assert note.sent_at > 0 and note.sender_name == "Ana"
    settle(qtbot, bea)
    model = bea.window.pane.model
    index = model.index(model.rowCount() - 1, 0)
    assert index.data(ITEM_ROLE).kind == "event"
    # a one-line row: no avatar, no actions, shorter than a post with a header
    view = bea.window.pane.view
    note_rect: QRect = view.visualRect(index)
    post_row = next(r for r in range(model.rowCount()) if model.post_at(r).kind == "post")
    assert note_rect.height() < view.visualRect(model.index(post_row, 0)).height()
    assert "removed" in index.data(Qt.ItemDataRole.AccessibleTextRole)
