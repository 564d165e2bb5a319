"""Poll and event cards inside timeline rows: their height (layout) and their painting.

A poll card shows the question, the mode and state, one bar per option with its count
(and a check mark on my choice), and who voted for what in an open poll; an event card its
title, time, place and how many answered going, maybe or can't. The card is the row's body
(`RowLayout.body_kind` "poll" or "calendar"); clicking it opens the poll or event dialog.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QRect, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter

from app.names import isolate
from app.polls_views import EventView, PollView
from ui.delegates.mirror import lead as flip_align
from ui.theme import Theme
from ui.timefmt import full, number

CARD_W = 460
PAD = 12
OPTION_H = 48
BAR_H = 6
WRAP = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop) | int(Qt.TextFlag.TextWordWrap)


def bold(font: QFont) -> QFont:
    f = QFont(font)
    f.setBold(True)
    return f


def poll_lines(card: PollView) -> tuple[str, str]:
    """(state line, footer line) of a poll card."""
    mode = QCoreApplication.translate("Polls", "Several choices") if card.multi else QCoreApplication.translate("Polls", "One choice")
    votes = QCoreApplication.translate("Polls", "{n} voted").format(n=number(card.voters))
    if card.closed:
        state = QCoreApplication.translate("Polls", "Closed")
    elif card.closes_at:
        state = QCoreApplication.translate("Polls", "Closes {when}").format(when=full(card.closes_at))
    else:
        state = QCoreApplication.translate("Polls", "Open")
    footer = (QCoreApplication.translate("Polls", "You voted · click to change") if card.i_voted and not card.closed else
              QCoreApplication.translate("Polls", "You voted") if card.i_voted else
              QCoreApplication.translate("Polls", "Click to vote") if not card.closed else QCoreApplication.translate("Polls", "You did not vote"))
    if card.anonymous:
        footer = QCoreApplication.translate("Polls", "Anonymous: the creator sees who voted; others see totals.") + "  " + footer
    return f"{mode} · {votes} · {state}", footer


def event_lines(card: EventView) -> list[str]:
    when = full(card.starts_at) + (f" – {full(card.ends_at)}" if card.ends_at else "")
    if card.tz:
        when += f" ({card.tz})"
    answers = QCoreApplication.translate("Events", "{going} going · {maybe} maybe · {no} can't").format(
        going=number(card.count("going")), maybe=number(card.count("maybe")),
        no=number(card.count("no")))
    mine = {"going": QCoreApplication.translate("Events", "You: going"), "maybe": QCoreApplication.translate("Events", "You: maybe"), "no": QCoreApplication.translate("Events", "You: can't")}.get(
        card.my_answer or "", QCoreApplication.translate("Events", "Click to answer"))
    lines = [when]
    if card.place:
        lines.append(card.place)
    lines.append(f"{answers} · {mine}")
    return lines


def width_for(text_w: int) -> int:
    return min(text_w, CARD_W)


def _text_h(fm: QFontMetrics, text: str, w: int) -> int:
    return fm.boundingRect(QRect(0, 0, w, 1 << 20), WRAP, text).height()


def height(card: object, font: QFont, small: QFont, text_w: int) -> int:
    w = width_for(text_w) - 2 * PAD
    fm, sfm = QFontMetrics(bold(font)), QFontMetrics(small)
    if isinstance(card, PollView):
        state, footer = poll_lines(card)
        return (PAD + _text_h(fm, card.question, w) + 4 + sfm.height() + 8
                + len(card.options) * OPTION_H + _text_h(sfm, footer, w) + PAD)
    if isinstance(card, EventView):
        title = card.title + ("  " + QCoreApplication.translate("Events", "(cancelled)") if card.cancelled else "")
        return (PAD + _text_h(fm, title, w) + 6
                + sum(_text_h(sfm, line, w) + 2 for line in event_lines(card)) + PAD)
    return 0


def paint(painter: QPainter, rect: QRect, card: object, theme: Theme, font: QFont,
          small: QFont, rtl: bool = False) -> None:
    """Draw the card in `rect`; `rtl` (a right-to-left window) puts each option's count on
    the left and fills its bar from the right."""
    box = QRect(rect.x(), rect.y(), width_for(rect.width()), rect.height())
    if rtl:
        box.moveRight(rect.right())
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(theme.color("border"))
    painter.setBrush(theme.color("base"))
    painter.drawRoundedRect(QRectF(box).adjusted(0.5, 0.5, -0.5, -0.5), 8, 8)
    inner = box.adjusted(PAD, PAD, -PAD, -PAD)
    if isinstance(card, PollView):
        _paint_poll(painter, inner, card, theme, font, small, rtl)
    elif isinstance(card, EventView):
        _paint_event(painter, inner, card, theme, font, small)
    painter.restore()


def _paint_poll(painter: QPainter, r: QRect, card: PollView, theme: Theme, font: QFont,
                small: QFont, rtl: bool = False) -> None:
    lead = flip_align(rtl)
    bf, fm, sfm = bold(font), QFontMetrics(bold(font)), QFontMetrics(small)
    y = r.y()
    painter.setFont(bf)
    painter.setPen(theme.color("text"))
    qh = _text_h(fm, card.question, r.width())
    painter.drawText(QRect(r.x(), y, r.width(), qh), WRAP, card.question)
    y += qh + 4
    state, footer = poll_lines(card)
    painter.setFont(small)
    painter.setPen(theme.color("muted"))
    painter.drawText(QRect(r.x(), y, r.width(), sfm.height()), WRAP, state)
    y += sfm.height() + 8
    most = max([o.count for o in card.options] + [1])
    for option in card.options:
        painter.setFont(bf if option.mine else font)
        painter.setPen(theme.color("text"))
        mark = "✓ " if option.mine else ""
        count = number(option.count)
        cw = QFontMetrics(font).horizontalAdvance(count) + 4
        label = QFontMetrics(painter.font()).elidedText(mark + option.text,
                                                        Qt.TextElideMode.ElideRight,
                                                        r.width() - cw - 8)
        painter.drawText(QRect(r.x() + (cw if rtl else 0), y, r.width() - cw, 20),
                         int(lead | Qt.AlignmentFlag.AlignVCenter), label)
        painter.setFont(font)
        painter.drawText(QRect(r.x() if rtl else r.right() - cw, y, cw, 20),
                         int(flip_align(not rtl) | Qt.AlignmentFlag.AlignVCenter), count)
        track = QRectF(r.x(), y + 22, r.width(), BAR_H)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(theme.color("surface"))
        painter.drawRoundedRect(track, 3, 3)
        if option.count:
            painter.setBrush(theme.color("accent") if option.mine else theme.color("badge_muted_bg"))
            filled = max(BAR_H, track.width() * option.count / most)
            painter.drawRoundedRect(QRectF(track.right() - filled if rtl else track.x(), track.y(),
                                           filled, BAR_H), 3, 3)
        if option.voters:
            painter.setFont(small)
            painter.setPen(theme.color("muted"))
            names = ", ".join(isolate(v) for v in option.voters)
            painter.drawText(QRect(r.x(), y + 22 + BAR_H, r.width(), OPTION_H - 22 - BAR_H),
                             int(lead | Qt.AlignmentFlag.AlignVCenter),
                             sfm.elidedText(names, Qt.TextElideMode.ElideRight, r.width()))
        y += OPTION_H
    painter.setFont(small)
    painter.setPen(theme.color("accent") if card.i_voted else theme.color("muted"))
    painter.drawText(QRect(r.x(), y, r.width(), _text_h(sfm, footer, r.width())), WRAP, footer)


def _paint_event(painter: QPainter, r: QRect, card: EventView, theme: Theme, font: QFont,
                 small: QFont) -> None:
    bf, fm, sfm = bold(font), QFontMetrics(bold(font)), QFontMetrics(small)
    y = r.y()
    title = card.title + ("  " + QCoreApplication.translate("Events", "(cancelled)") if card.cancelled else "")
    painter.setFont(bf)
    painter.setPen(theme.color("tombstone") if card.cancelled else theme.color("text"))
    th = _text_h(fm, title, r.width())
    painter.drawText(QRect(r.x(), y, r.width(), th), WRAP, title)
    y += th + 6
    painter.setFont(small)
    for i, line in enumerate(event_lines(card)):
        last = i == len(event_lines(card)) - 1
        painter.setPen(theme.color("accent") if last and card.my_answer else theme.color("muted"))
        h = _text_h(sfm, line, r.width())
        painter.drawText(QRect(r.x(), y, r.width(), h), WRAP, line)
        y += h + 2
