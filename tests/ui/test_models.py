"""Every Qt model passes Qt's model tester; list updates emit the smallest change."""
from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt

from app.views import InviteView, JoinRequestView, MemberView, SearchHit
from tests.ui.conftest import settle
from tests.ui.real_services import LiveWorld
from ui.models.conversation_model import ConversationModel
from ui.models.invite_model import InviteListModel
from ui.models.keyed_list import ITEM_ROLE, KEY_ROLE
from ui.models.member_model import MemberListModel
from ui.models.request_model import JoinRequestListModel
from ui.models.search_model import SearchResultModel, plain_snippet
from ui.models.sidebar_model import NODE_ROLE, SidebarModel


def fingerprint_of(name: str) -> str:
    return " ".join(f"{ord(c):04x}" for c in (name * 10)[:10])


def test_sidebar_model_passes_the_model_tester(qtmodeltester, world: LiveWorld) -> None:
    ana = world.services("Ana")
    groups = ana.groups.list()
    club = world.groups["Book club"]
    ana.channels.create(club, "Reading list", "chat")
    archived = ana.channels.create(club, "Old", "chat")
    ana.channels.archive(club, archived.id)
    model = SidebarModel()
    model.set_groups(groups, {club: True})
    for g in groups:
        model.set_channels(g.id, ana.channels.list(g.id))
    qtmodeltester.check(model)
    assert model.rowCount() == len(world.groups) == 5
    first = model.index(0, 0)
    assert first.data(Qt.ItemDataRole.DisplayRole) == groups[0].name
    assert "last post" in first.data(Qt.ItemDataRole.AccessibleTextRole)
    under = model.group_index(club)
    rows = [model.index(r, 0, under) for r in range(model.rowCount(under))]
    assert [(i.data(NODE_ROLE), i.data()) for i in rows] == [
        ("channel", "General"), ("channel", "Reading list"), ("new", "New channel…"),
        ("archived", "Archived (1)")]
    assert model.index(0, 0, rows[-1]).data(ITEM_ROLE).id == archived.id
    assert model.group_of(model.index(0, 0, rows[-1])).id == club


def test_reordering_groups_moves_rows_instead_of_resetting(qtbot, world: LiveWorld) -> None:
    model = SidebarModel()
    groups = world.services("Ana").groups.list()
    model.set_groups(groups, {})
    resets, moves, changes = [], [], []
    model.modelReset.connect(lambda: resets.append(1))
    model.rowsMoved.connect(lambda *a: moves.append(a))
    model.dataChanged.connect(lambda *a: changes.append(a))
    bumped = replace(groups[-1], unread=5, last_activity=groups[0].last_activity + 1)
    model.set_groups([bumped, *groups[:-1]], {})
    assert not resets
    assert len(moves) == 1
    assert len(changes) == 1
    assert model.index(0, 0).data(ITEM_ROLE) == bumped
    assert model.index(0, 0).data(KEY_ROLE) == bumped.id


def test_removing_and_inserting_keep_the_other_rows(qtbot, world: LiveWorld) -> None:
    model = SidebarModel()
    groups = world.services("Ana").groups.list()
    model.set_groups(groups, {})
    removed, inserted = [], []
    model.rowsRemoved.connect(lambda p, a, b: removed.append((a, b)) if not p.isValid() else None)
    model.rowsInserted.connect(lambda p, a, b: inserted.append((a, b)) if not p.isValid() else None)
    extra = replace(groups[0], id="f" * 32, name="New")
    model.set_groups([groups[0], extra, *groups[2:]], {})
    assert removed == [(1, 1)]
    assert inserted == [(1, 1)]
    assert [g.name for g in model.items()] == [groups[0].name, "New",
                                               *[g.name for g in groups[2:]]]


def test_archiving_a_channel_moves_its_row_under_archived(qtbot, world: LiveWorld) -> None:
    ana = world.services("Ana")
    club = world.groups["Book club"]
    reading = ana.channels.create(club, "Reading list", "chat")
    model = SidebarModel()
    model.set_groups(ana.groups.list(), {club: False})
    model.set_channels(club, ana.channels.list(club))
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    ana.channels.archive(club, reading.id)
    model.set_channels(club, ana.channels.list(club))
    under = model.group_index(club)
    assert [model.index(r, 0, under).data() for r in range(model.rowCount(under))] == [
        "General", "Archived (1)"]      # no "New channel…" row: not Ana's to create here
    assert model.channel_index(club, reading.id).parent().data() == "Archived (1)"
    assert not resets


def test_member_model_lists_admins_first(qtmodeltester) -> None:
    model = MemberListModel()
    members = [MemberView(fingerprint_of(n), n, r, "1" * 60, "qr", n == "Ana")
               for n, r in (("Zed", "member"), ("Ana", "member"), ("Bea", "admin"))]
    model.set_members(members)
    qtmodeltester.check(model)
    assert [m.name for m in model.items()] == ["Bea", "Ana", "Zed"]
    assert model.index(1, 0).data() == "\u2068Ana\u2069 (you)"  # the name isolated


def test_invite_model_puts_active_invites_first(qtmodeltester) -> None:
    model = InviteListModel()
    old = InviteView("a", "g", "coterie://join#x", 0, 1, 10, False, 5, "used up")
    new = InviteView("b", "g", "coterie://join#y", 2, 3, 2**40, False, 7, "active")
    model.set_invites([old, new])
    qtmodeltester.check(model)
    assert [i.id for i in model.items()] == ["b", "a"]
    assert "2 of 3 uses left" in model.index(0, 0).data()
    assert model.index(1, 0).data().startswith("Used up")


def test_request_model_shows_only_pending_requests(qtmodeltester) -> None:
    model = JoinRequestListModel()
    model.set_requests([
        JoinRequestView("1", "g", "Eve", fingerprint_of("Eve"), "i", 20),
        JoinRequestView("2", "g", "Mal", fingerprint_of("Mal"), "i", 10, "declined"),
        JoinRequestView("3", "g", "Ida", fingerprint_of("Ida"), "i", 5),
    ])
    qtmodeltester.check(model)
    assert [r.name for r in model.items()] == ["Ida", "Eve"]


def test_search_model_strips_markers_for_display(qtmodeltester) -> None:
    model = SearchResultModel()
    hit = SearchHit("g", "Book club", "p", "the \x02tea\x03 party", 1, "Bea")
    model.set_hits([hit, hit])
    qtmodeltester.check(model)
    assert model.rowCount() == 1
    assert model.index(0, 0).data() == "the tea party"
    assert plain_snippet(hit.snippet) == "the tea party"


# -- the windowed conversation model ---------------------------------------------------------
# Over Ana's real store: "Long" holds 300 posts from Bea (tests/ui/real_services.py).

def _long(world: LiveWorld, worker, **kwargs: int) -> tuple[ConversationModel, str, list[str]]:  # noqa: ANN001
    return (ConversationModel(world.services("Ana"), worker, **kwargs), world.groups["Long"],
            world.long_ids)


def _from_bea(world: LiveWorld, change) -> str:  # noqa: ANN001
    """Bea does `change` in "Long"; Ana's store takes it in; returns what change returned."""
    bea = world.services("Bea")
    result = change(bea)
    bea.sync_once()
    world.services("Ana").sync_once()
    return result


def test_conversation_model_passes_the_model_tester(qtbot, qtmodeltester, world, worker) -> None:
    model, g, ids = _long(world, worker, page=50)
    with qtbot.waitSignal(model.opened):
        model.open(g)
    qtmodeltester.check(model)
    assert model.rowCount() == 50
    assert model.post_at(49).id == ids[-1]
    assert model.more_before and not model.more_after


def test_older_pages_grow_the_window_at_the_top(qtbot, world, worker) -> None:
    model, g, ids = _long(world, worker, page=50)
    with qtbot.waitSignal(model.opened):
        model.open(g)
    resets = []
    model.modelReset.connect(lambda: resets.append(1))
    with qtbot.waitSignal(model.older_loaded) as got:
        model.load_older()
    assert got.args == [50]
    assert model.rowCount() == 100
    assert model.post_at(0).id == ids[-100]
    with qtbot.waitSignal(model.older_loaded):
        model.load_older()
    assert model.rowCount() == 150 and model.post_at(0).id == ids[-150]
    assert not resets


def test_the_window_is_trimmed_at_the_far_end(qtbot, world, worker) -> None:
    model, g, ids = _long(world, worker, page=50, window_limit=100)
    with qtbot.waitSignal(model.opened):
        model.open(g)
    for _ in range(3):
        with qtbot.waitSignal(model.older_loaded):
            model.load_older()
    assert model.rowCount() == 100
    assert model.more_after  # the newest posts were dropped from the window ...
    assert model.post_at(0).id == ids[-200]
    model.load_newer()       # ... and come back when scrolling down
    qtbot.waitUntil(lambda: model.post_at(model.rowCount() - 1).id == ids[-51])
    assert model.post_at(0).id == ids[-150]


def test_one_live_post_inserts_one_row_and_never_resets(qtbot, world, worker) -> None:
    model, g, _ids = _long(world, worker, page=50)
    with qtbot.waitSignal(model.opened):
        model.open(g)
    resets, inserted = [], []
    model.modelReset.connect(lambda: resets.append(1))
    model.rowsInserted.connect(lambda _p, a, b: inserted.append((a, b)))
    post_id = _from_bea(world, lambda bea: bea.posts.post(g, "live!").id)
    with qtbot.waitSignal(model.appended):
        model.posts_changed(g, [post_id])
    assert inserted == [(50, 50)]
    assert not resets
    assert model.post_at(50).text == "live!"


def test_an_edit_changes_only_its_row(qtbot, world, worker) -> None:
    model, g, _ids = _long(world, worker)
    with qtbot.waitSignal(model.opened):
        model.open(g)
    target = model.post_at(3)
    _from_bea(world, lambda bea: bea.posts.edit(g, target.id, "changed"))
    with qtbot.waitSignal(model.dataChanged) as got:
        model.posts_changed(g, [target.id])
    assert got.args[0].row() == 3 and got.args[1].row() == 3
    assert model.post_at(3).edited and model.post_at(3).text == "changed"


def test_a_late_answer_for_a_previous_group_is_dropped(qtbot, world, worker) -> None:
    model, g, _ids = _long(world, worker)
    climbing = world.groups["Climbing Tuesdays"]
    model.open(g)
    with qtbot.waitSignal(model.opened) as got:
        model.open(climbing)
    settle(qtbot, worker)
    assert got.args[0] == climbing
    stored = world.services("Ana").posts.latest(climbing).posts
    assert [model.post_at(r).id for r in range(model.rowCount())] == [p.id for p in stored]
    assert model.post_at(model.rowCount() - 1).text == "Gym at 7? Bring chalk."


def test_jumping_to_a_post_opens_the_window_around_it(qtbot, world, worker) -> None:
    model, g, ids = _long(world, worker, page=50)
    with qtbot.waitSignal(model.opened) as got:
        model.open(g, around_post=ids[40])
    row = got.args[1]
    assert model.post_at(row).id == ids[40]
    assert model.more_before and model.more_after
    assert model.canFetchMore()


def test_posts_outside_the_window_wait_for_their_page(qtbot, world, worker) -> None:
    model, g, ids = _long(world, worker, page=50)
    with qtbot.waitSignal(model.opened):
        model.open(g, around_post=ids[100])
    rows = model.rowCount()
    late_id = _from_bea(world, lambda bea: bea.posts.post(g, "newest").id)
    late = world.services("Ana").posts.get(g, late_id)
    model.apply_posts(None, [late])
    assert model.rowCount() == rows  # beyond the window's newer end: not shown yet
