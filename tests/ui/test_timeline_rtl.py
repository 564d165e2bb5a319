"""A right-to-left window (Arabic locale) mirrors the hand-painted timeline: avatar, name
and time on the right, quotes, chips, file cards and poll cards from the right edge, the
hover bar on the left; each paragraph still reads and aligns by its own direction. Rendered
offscreen light and dark for a person to look at (COTERIE_SCREENSHOTS, default /tmp/shots)."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QLocale, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem

from app import i18n as app_i18n
from tests.ui.test_timeline_screens import _shot
from tests.ui.timeline_world import WAIT, People, open_group, rows, settle
from ui import i18n, timefmt
from ui.delegates.post_layout import AVATAR, MARGIN_L, action_rects

pytestmark = pytest.mark.slow


@pytest.fixture
def arabic(qapp: QApplication) -> Iterator[None]:
    saved = QLocale()
    installed = i18n.install(qapp, QLocale("ar_EG"))
    try:
        yield
    finally:
        for translator in installed:
            qapp.removeTranslator(translator)
        QLocale.setDefault(saved)
        timefmt.locale_changed()
        app_i18n.use_language(None)
        qapp.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


def _world(people: People, tmp_path: Path) -> tuple:
    ana, bea = people.person("Ana"), people.person("Bea")
    gid = people.group(ana, "Book club", bea)
    first = bea.services.posts.post(gid, "Shall we read *Middlemarch* next? It is long but _worth_ it.")
    bea.services.posts.post(gid, "نقرأ رواية جديدة كل شهر، ونلتقي يوم الخميس.")
    bea.services.posts.post(gid, "اقتراحي: *الطنطورية* لرضوى عاشور")
    bea.services.sync_once()
    ana.services.sync_once()
    ana.services.posts.reply(gid, first.id, "Yes! I have a copy.")
    mine = ana.services.posts.post(gid, "Thursday at 7 works for me")
    ana.services.posts.edit(gid, mine.id, "Thursday at 7:30 works for me")
    ana.services.posts.react(gid, first.id, "👍")
    ana.services.posts.react(gid, first.id, "📚")
    notes = tmp_path / "minutes.pdf"
    notes.write_bytes(b"%PDF-1.4 minutes of the last meeting\n" * 40)
    ana.services.files.attach(gid, [notes], "The minutes")
    ana.services.polls.create(gid, "Next book?", ["Middlemarch", "Kindred", "Piranesi"])
    ana.services.sync_once()
    bea.services.sync_once()
    return ana, gid


def _layout(window, row: int):  # noqa: ANN001, ANN202
    view = window.pane.view
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    option.rect = view.visualRect(window.pane.model.index(row, 0))
    return option, view.itemDelegate().layout_for(option, window.pane.model.index(row, 0))


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_timeline_mirrors_in_a_right_to_left_window(qtbot, qapp, people: People,
                                                        tmp_path: Path, arabic, theme: str) -> None:
    ana, gid = _world(people, tmp_path)
    window = people.open_window(qtbot, qapp, ana, theme)
    window._ctx.theme.apply(theme)
    open_group(qtbot, ana, gid)
    qtbot.waitUntil(lambda: any(p.card is not None for p in rows(ana)), timeout=WAIT)
    settle(qtbot, ana)
    qtbot.wait(50)
    assert window.layoutDirection() == Qt.LayoutDirection.RightToLeft
    _shot(window, "rtl", theme)

    posts = rows(ana)
    view = window.pane.view
    width = view.viewport().width()
    seen = set()
    for i in range(len(posts)):
        option, row = _layout(window, i)
        assert option.direction == Qt.LayoutDirection.RightToLeft
        if row is None or row.body_kind in ("event", "warning"):
            continue
        right = option.rect.right() - (option.rect.width() - row.width)
        assert row.rtl
        if row.header:   # the avatar's column is on the right, the name just left of it
            assert row.name_rect.right() == row.width - 1 - MARGIN_L - AVATAR - 10
            assert row.time_rect.right() < row.name_rect.left()
            seen.add("header")
        if not row.quote_rect.isNull():
            assert row.quote_rect.right() == row.name_rect.right() or row.quote_rect.right() > width / 2
            seen.add("quote")
        for rect, *_chip in row.chips:
            assert rect.left() > width / 2
            seen.add("chips")
        for rect, _index in row.files:
            assert rect.right() == row.body_rect.right() or rect.left() > width / 3
            seen.add("files")
        if row.body_kind == "poll":
            assert row.body_rect.right() > width - 80 and row.body_rect.left() > 0
            seen.add("poll")
        bar = action_rects(row.width, row)
        assert bar[0][0].left() > bar[-1][0].left(), "reply is the outermost button"
        assert bar[-1][0].left() < width / 3
        assert right >= row.body_rect.right()
    assert seen == {"header", "quote", "chips", "files", "poll"}, seen

    window.resize(640, 600)
    qtbot.wait(50)
    _shot(window, "rtl_640", theme)


def test_a_mirrored_row_is_the_left_to_right_row_reflected(qtbot, qapp, people: People,
                                                           tmp_path: Path) -> None:
    ana, gid = _world(people, tmp_path)
    window = people.open_window(qtbot, qapp, ana)
    open_group(qtbot, ana, gid)
    qtbot.waitUntil(lambda: any(p.card is not None for p in rows(ana)), timeout=WAIT)
    settle(qtbot, ana)
    delegate = window.pane.view.itemDelegate()
    clicked: list[tuple] = []
    delegate.reaction_clicked.connect(lambda *a: clicked.append(a))
    for i in range(len(rows(ana))):
        option, ltr = _layout(window, i)
        if ltr is None:
            continue
        option.direction = Qt.LayoutDirection.RightToLeft
        rtl = delegate.layout_for(option, window.pane.model.index(i, 0))
        assert not ltr.rtl and rtl.rtl and rtl.width == ltr.width and rtl.height == ltr.height
        w = ltr.width
        for name in ("name_rect", "time_rect", "quote_rect", "title_rect", "thread_rect",
                     "body_rect"):
            a, b = getattr(ltr, name), getattr(rtl, name)
            assert a.isNull() == b.isNull() and a.size() == b.size(), name
            if not a.isNull():
                assert b.left() == w - a.right() - 1 and b.top() == a.top(), name
        for (a, *_x), (b, *_y) in zip(ltr.chips + ltr.files, rtl.chips + rtl.files, strict=True):
            assert b.left() == w - a.right() - 1
        # a click lands where the part is drawn: on the mirrored chip, not the left-to-right one
        if rtl.chips:
            clicked.clear()
            origin = delegate.origin(option, rtl)
            for where in (ltr.chips[0][0].center() + option.rect.topLeft(),
                          rtl.chips[0][0].center() + origin):
                event = QMouseEvent(QEvent.Type.MouseButtonRelease, QPointF(where),
                                    QPointF(where), Qt.MouseButton.LeftButton,
                                    Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
                delegate.editorEvent(event, window.pane.model, option, window.pane.model.index(i, 0))
            assert [a[1] for a in clicked] == [rtl.chips[0][1]]
