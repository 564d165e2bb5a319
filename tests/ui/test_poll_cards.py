"""Poll and event cards in Ana's window over real services, with Bea on the same relay:
a poll Bea creates shows up live, Ana votes from its dialog and Bea counts it; Ana makes an
event from the window, Bea's answer reaches Ana's card; Upcoming lists it. Each view is
rendered light and dark to PNG."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget

from tests.ui.conftest import settle, show_group
from ui.dialogs.event import EventDialog, NewEventDialog, UpcomingDialog
from ui.dialogs.poll import NewPollDialog, PollDialog
from ui.dialogs.search import SearchDialog

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def _out(tmp_path: Path) -> Path:
    out = Path(os.environ.get("COTERIE_SCREENSHOTS", tmp_path / "shots"))
    out.mkdir(parents=True, exist_ok=True)
    return out


def _shot(widget: QWidget, name: str, theme: str, out: Path) -> None:
    image = widget.grab().toImage()
    assert not image.isNull() and image.width() > 100
    assert image.save(str(out / f"{name}_{theme}.png"))


def _row_of(window, post_id: str) -> int:  # noqa: ANN001
    model = window.pane.model
    return next(r for r in range(model.rowCount()) if model.post_at(r).id == post_id)


def _card(window, post_id: str):  # noqa: ANN001, ANN202
    return window.pane.model.post_at(_row_of(window, post_id)).card


def _click_card(qtbot, window, post_id: str) -> None:  # noqa: ANN001
    view = window.pane.view
    index = window.pane.model.index(_row_of(window, post_id), 0)
    view.scrollTo(index)
    rect = view.visualRect(index)
    row = window.pane.delegate.layout_for(_option(view, rect), index)
    target = rect.topLeft() + row.body_rect.center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(target))


def _option(view, rect):  # noqa: ANN001, ANN202
    from PySide6.QtWidgets import QStyleOptionViewItem
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.rect = rect
    option.widget = view
    return option


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_polls_and_events_in_the_window(qtbot, real_app, theme, tmp_path) -> None:  # noqa: ANN001
    app, world, out = real_app, real_app.world, _out(tmp_path)
    win = app.window
    win._ctx.theme.apply(theme)
    win.resize(1100, 760)
    gid = world.groups["Book club"]
    bea = world.services("Bea")
    bea.sync_once()
    poll = bea.polls.create(gid, "Which book next?", ["Piranesi", "Kindred", "Dune"])
    bea.sync_once()
    show_group(qtbot, win, gid)
    qtbot.waitUntil(lambda: any(win.pane.model.post_at(r).id == poll.id
                                for r in range(win.pane.model.rowCount())), timeout=30_000)
    assert _card(win, poll.id).question == "Which book next?"

    # Ana opens the card, picks an option and votes; the dialog and the card say she voted.
    _click_card(qtbot, win, poll.id)
    qtbot.waitUntil(lambda: isinstance(win.pane.cards.dialog, PollDialog), timeout=10_000)
    dialog = win.pane.cards.dialog
    assert not dialog.vote_button.isEnabled()
    dialog.choice_buttons[1].setChecked(True)
    qtbot.mouseClick(dialog.vote_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.poll.i_voted, timeout=10_000)
    assert [o.count for o in dialog.poll.options] == [0, 1, 0]
    assert dialog.vote_button.text() == "Change vote" and dialog.retract_button.isEnabled()
    assert dialog.close_button.isVisible()           # Bea's poll, but Ana is an admin
    _shot(dialog, "poll_dialog", theme, out)
    dialog.close()
    qtbot.waitUntil(lambda: _card(win, poll.id).i_voted, timeout=10_000)
    bea.sync_once()
    assert [(o.count, o.voters) for o in bea.polls.get(gid, poll.id).options][1] == (1, ("Ana",))

    # Ana makes an event from the window; Bea answers; Ana's card shows it.
    win.pane.cards.new_event()
    new = win.pane.cards.dialog
    assert isinstance(new, NewEventDialog)
    new.title.setText("Reading night")
    new.place.setText("Library, room 2")
    _shot(new, "event_new", theme, out)
    qtbot.mouseClick(new.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: new.created is not None, timeout=10_000)
    event = new.created
    qtbot.waitUntil(lambda: any(win.pane.model.post_at(r).id == event.id
                                for r in range(win.pane.model.rowCount())), timeout=10_000)
    app.services.sync_once()
    bea.sync_once()
    bea.events.rsvp(gid, event.id, "going")
    bea.sync_once()
    qtbot.waitUntil(lambda: (_card(win, event.id) is not None
                             and _card(win, event.id).count("going") == 1), timeout=30_000)
    settle(qtbot, app.worker)
    _shot(win, "poll_event_cards", theme, out)

    _click_card(qtbot, win, event.id)
    qtbot.waitUntil(lambda: isinstance(win.pane.cards.dialog, EventDialog), timeout=10_000)
    ev_dialog = win.pane.cards.dialog
    qtbot.mouseClick(ev_dialog.rsvp_buttons["maybe"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ev_dialog.event.my_answer == "maybe", timeout=10_000)
    assert ev_dialog.cancel_button.isVisible()        # her own event
    _shot(ev_dialog, "event_dialog", theme, out)
    ev_dialog.close()

    upcoming = win.pane.cards.upcoming()
    assert isinstance(upcoming, UpcomingDialog)
    qtbot.waitUntil(lambda: upcoming.list.count() == 1, timeout=10_000)
    assert "Reading night" in upcoming.list.item(0).text()
    assert upcoming.remind.value() == 15
    _shot(upcoming, "upcoming", theme, out)
    upcoming.close()

    # Search (Ctrl+K) finds the poll's question and jumps to its card.
    search = SearchDialog(win._ctx, None, win)
    search.jump.connect(win.jump_to_post)
    search.show()
    qtbot.keyClicks(search.field, "which book")
    qtbot.waitUntil(lambda: search.model.rowCount() >= 1 and not search._timer.isActive(),
                    timeout=10_000)
    from ui.models.keyed_list import ITEM_ROLE
    hits = [search.model.index(r, 0) for r in range(search.model.rowCount())]
    [found] = [i for i in hits if i.data(ITEM_ROLE).post_id == poll.id]
    search.list.setCurrentIndex(found)
    qtbot.keyClick(search.field, Qt.Key.Key_Return)     # Enter opens the selected hit
    qtbot.waitUntil(lambda: win.pane.view.currentIndex().isValid() and win.pane.model.post_at(
        win.pane.view.currentIndex().row()).id == poll.id, timeout=10_000)

    # An event about to start: one desktop reminder (the lead time defaults to 15 minutes).
    import time
    bea.events.create(gid, "Quick call", time.strftime("%Y-%m-%dT%H:%M:%S+00:00",
                                                       time.gmtime(time.time() + 300)))
    bea.sync_once()
    qtbot.waitUntil(lambda: any(win.pane.model.post_at(r).text == "Quick call"
                                for r in range(win.pane.model.rowCount())), timeout=30_000)
    win.reminders.check()
    qtbot.waitUntil(lambda: any("Quick call starts at" in body
                                for _t, body in win.notifier.shown), timeout=10_000)
    win.reminders.check()
    settle(qtbot, app.worker)
    assert sum("Quick call" in body for _t, body in win.notifier.shown) == 1

    np = win.pane.cards.new_poll()
    assert isinstance(np, NewPollDialog)
    np.question.setText("Meet on Thursday?")
    np.option_edits[0].setText("Yes")
    np.option_edits[1].setText("No")
    np.anonymous.setChecked(True)
    _shot(np, "poll_new", theme, out)
    np.close()


def test_an_anonymous_poll_between_two_windows(qtbot, qapp, real_app) -> None:  # noqa: ANN001
    """Ana's and Bea's windows, both live on the relay: Ana asks anonymously from the
    window, Bea votes from the card in hers, Ana's client counts the sealed ballot and
    publishes a signed tally that Bea's card shows; Ana closes the poll and both cards say so."""
    from ui.context import AppContext
    from ui.events import EventBridge
    from ui.main_window import MainWindow
    from ui.theme import ThemeController
    from ui.worker import Worker

    app, world = real_app, real_app.world
    ana_win = app.window
    gid = world.groups["Book club"]
    bea = world.services("Bea")
    worker = Worker()
    events = EventBridge(bea)
    ctx = AppContext(bea, worker, events, ThemeController(qapp, "light"), world.relay_url)
    bea_win = MainWindow(ctx)
    events.setParent(bea_win)
    qtbot.addWidget(bea_win)
    bea_win.show()
    bea_win.start()
    worker.run(bea.start, None, lambda e: None, slow=True)
    try:
        for win in (ana_win, bea_win):
            win.resize(1000, 700)
            show_group(qtbot, win, gid)
        dialog = ana_win.pane.cards.new_poll()
        dialog.question.setText("Which evening suits you?")
        dialog.option_edits[0].setText("Tuesday")
        dialog.option_edits[1].setText("Thursday")
        dialog.anonymous.setChecked(True)
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.created is not None, timeout=10_000)
        poll = dialog.created

        def card(win):  # noqa: ANN001, ANN202
            model = win.pane.model
            rows = [model.post_at(r) for r in range(model.rowCount())]
            found = [p.card for p in rows if p.id == poll.id]
            return found[0] if found else None

        qtbot.waitUntil(lambda: card(bea_win) is not None, timeout=30_000)
        assert card(bea_win).anonymous and card(bea_win).voters == 0
        _click_card(qtbot, bea_win, poll.id)
        qtbot.waitUntil(lambda: isinstance(bea_win.pane.cards.dialog, PollDialog), timeout=10_000)
        vote = bea_win.pane.cards.dialog
        assert not vote.close_button.isVisible()       # neither creator nor admin
        vote.choice_buttons[1].setChecked(True)
        qtbot.mouseClick(vote.vote_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: vote.poll.i_voted, timeout=10_000)
        vote.close()
        # Ana's client opens the ballot and counts it (she sees who); Bea sees the totals
        # from Ana's signed tally, and no names.
        qtbot.waitUntil(lambda: card(ana_win).options[1].voters == ("Bea",), timeout=30_000)
        qtbot.waitUntil(lambda: card(bea_win).tally_seq >= 1
                        and [o.count for o in card(bea_win).options] == [0, 1], timeout=30_000)
        assert all(o.voters == () for o in card(bea_win).options)
        assert card(bea_win).options[1].mine
        _click_card(qtbot, ana_win, poll.id)
        qtbot.waitUntil(lambda: isinstance(ana_win.pane.cards.dialog, PollDialog), timeout=10_000)
        own = ana_win.pane.cards.dialog
        qtbot.mouseClick(own.close_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: own.poll.closed, timeout=10_000)
        own.close()
        qtbot.waitUntil(lambda: card(bea_win).closed, timeout=30_000)
        assert [o.count for o in card(bea_win).options] == [0, 1]
    finally:
        bea_win.close()
        worker.shutdown()
        events.detach()
