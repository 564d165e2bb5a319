"""One painter per part of a timeline row; `PARTS` lists them in painting order.

Each painter gets the same `Paint` (painter already translated to the row's top-left,
the row's layout, the post, the theme and fonts) and draws its part only when the row
has one. Names are drawn on their own (never concatenated with other text) or isolated.
In a right-to-left window the layout arrives mirrored (`RowLayout.rtl`); the painters
mirror what they place inside a part (the quote's bar, a file card's badge, the avatar).
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QLocale, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QFont,
    QFontMetrics,
    QImage,
    QPainter,
    QPainterPath,
    QPalette,
)

from app.names import isolate
from app.reasons import reason_text
from app.views import PostView
from ui.delegates import cards
from ui.delegates.mirror import flip, lead, trail
from ui.delegates.post_layout import (
    AVATAR,
    CONTENT_X,
    DAY_H,
    MARGIN_L,
    MARGIN_R,
    PLAIN_FLAGS,
    Fonts,
    RowLayout,
    action_rects,
    cancel_label,
    cancel_rect,
    progress_rect,
    right_to_left,
)
from ui.identicon import identicon, identicon_color
from ui.markdown import SafeDocument, plain_excerpt
from ui.theme import Theme
from ui.timefmt import clock, number
from ui.transfers import Transfers


@dataclass
class Paint:
    painter: QPainter
    row: RowLayout
    post: PostView
    theme: Theme
    fonts: Fonts
    width: int
    hovered: bool
    selected: bool
    offset: int = 0      # where the row's own left edge is, left of the layout (mirrored)
    transfers: Transfers | None = None     # files moving now: a bar and Cancel on their cards

    def flip(self, rect: QRect) -> QRect:
        """A rect placed from the left edge, on the leading side of this row."""
        return flip(rect, self.width, self.row.rtl)


def background(p: Paint) -> None:
    if p.row.body_kind == "event":
        return
    if p.selected or p.hovered:
        top = DAY_H if p.row.day else 0
        p.painter.fillRect(QRect(-p.offset, top, p.width + p.offset, p.row.height - top),
                           p.theme.color("selection") if p.selected
                           else p.theme.color("other_bubble"))


def day(p: Paint) -> None:
    label = p.row.day
    if not label:
        return
    t, painter = p.theme, p.painter
    small = QFont(p.fonts.small)
    small.setBold(True)
    painter.setFont(small)
    tw = QFontMetrics(small).horizontalAdvance(label) + 24
    mid = DAY_H // 2
    painter.setPen(t.color("border"))
    start, end = (MARGIN_R, MARGIN_L) if p.row.rtl else (MARGIN_L, MARGIN_R)
    painter.drawLine(start, mid, (p.width - tw) // 2, mid)
    painter.drawLine((p.width + tw) // 2, mid, p.width - end, mid)
    painter.setPen(t.color("muted"))
    painter.drawText(QRect((p.width - tw) // 2, 0, tw, DAY_H), Qt.AlignmentFlag.AlignCenter, label)


def event(p: Paint) -> None:
    """A membership note: one centred, muted line with its time."""
    if p.row.body_kind != "event":
        return
    t, painter, rect = p.theme, p.painter, p.row.body_rect
    painter.setFont(p.fonts.small)
    text = f"{p.post.text}  ·  {clock(p.post.sent_at)}"
    shown = p.fonts.sfm.elidedText(text, Qt.TextElideMode.ElideRight, rect.width() - 24)
    tw = p.fonts.sfm.horizontalAdvance(shown) + 24
    pill = QRectF((p.width - tw) / 2, rect.top(), tw, rect.height())
    _fill(painter, pill, t.color("quote_bg"), rect.height() / 2)
    painter.setPen(t.color("muted"))
    painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, shown)


def warning_box(p: Paint) -> None:
    if p.row.body_kind != "warning":
        return
    t, painter, rect = p.theme, p.painter, p.row.body_rect
    _fill(painter, QRectF(rect), t.color("warning_bg"), 6)
    painter.setPen(t.color("warning_text"))
    painter.setFont(p.fonts.font)
    icon = QRect(rect.left() + 8, rect.top() + 6, 18, 20)
    text_x = rect.left() + 28
    if p.row.rtl:
        icon.moveRight(rect.right() - 8)
        text_x = rect.left()
    painter.drawText(icon, Qt.AlignmentFlag.AlignCenter | Qt.AlignmentFlag.AlignTop, "⚠")
    if p.row.doc is not None:
        _draw_doc(painter, p.row.doc, QPointF(text_x, rect.top() + 6), t.color("warning_text"))


def header(p: Paint) -> None:
    row, post, t, painter = p.row, p.post, p.theme, p.painter
    if row.body_kind in ("warning", "event"):
        return
    if row.header:
        avatar = p.flip(QRect(MARGIN_L, row.name_rect.top() + 1, AVATAR, AVATAR))
        painter.drawImage(QPointF(avatar.topLeft()),
                          identicon(post.sender_fingerprint, AVATAR,
                                    painter.device().devicePixelRatioF()))
        painter.setFont(p.fonts.bold)
        painter.setPen(identicon_color(post.sender_fingerprint, t.name == "dark"))
        painter.drawText(row.name_rect, lead(row.rtl) | Qt.AlignmentFlag.AlignTop,
                         p.fonts.bfm.elidedText(post.sender_name, Qt.TextElideMode.ElideRight,
                                                row.name_rect.width()))
        painter.setFont(p.fonts.small)
        painter.setPen(t.color("muted"))
        painter.drawText(row.time_rect, lead(row.rtl), clock(post.sent_at))
    elif p.hovered or p.selected:
        painter.setFont(p.fonts.small)
        painter.setPen(t.color("muted"))
        painter.drawText(p.flip(QRect(4, row.body_rect.top(), CONTENT_X - 10, row.body_rect.height())),
                         trail(row.rtl) | Qt.AlignmentFlag.AlignTop, clock(post.sent_at))


def quote(p: Paint) -> None:
    q, rect = p.post.reply_to, p.row.quote_rect
    if q is None or rect.isNull():
        return
    t, painter, sfm = p.theme, p.painter, p.fonts.sfm
    _fill(painter, QRectF(rect), t.color("quote_bg"), 6)
    bar_x = rect.right() - 2 if p.row.rtl else rect.left()
    _fill(painter, QRectF(bar_x, rect.top(), 3, rect.height()), t.color("quote_bar"), 1.5)
    inner = rect.adjusted(8, 4, -10, -4) if p.row.rtl else rect.adjusted(10, 4, -8, -4)
    bold = QFont(p.fonts.small)
    bold.setBold(True)
    painter.setFont(bold)
    painter.setPen(t.color("text"))
    painter.drawText(QRect(inner.left(), inner.top(), inner.width(), sfm.height()),
                     lead(p.row.rtl),
                     QFontMetrics(bold).elidedText(q.sender_name or QCoreApplication.translate("Post", "Someone"),
                                                   Qt.TextElideMode.ElideRight, inner.width()))
    painter.setFont(p.fonts.small)
    painter.setPen(t.color("muted"))
    if q.deleted:
        excerpt = QCoreApplication.translate("Post", "The original post was deleted")
    elif q.missing:
        excerpt = QCoreApplication.translate("Post", "The original post is not available on this device")
    else:
        excerpt = plain_excerpt(q.excerpt)
    painter.drawText(QRect(inner.left(), inner.top() + sfm.height(), inner.width(), sfm.height()),
                     lead(p.row.rtl),
                     sfm.elidedText(excerpt, Qt.TextElideMode.ElideRight, inner.width()))


def body(p: Paint) -> None:
    row, post, t, painter = p.row, p.post, p.theme, p.painter
    if row.body_kind == "plain":
        painter.setFont(p.fonts.font)
        painter.setPen(t.color("text"))
        # aligned by the text's own direction (Qt's automatic direction orders the letters
        # but leaves a plain AlignLeft on the left)
        flags = PLAIN_FLAGS if not right_to_left(post.text) else (
            PLAIN_FLAGS & ~int(Qt.AlignmentFlag.AlignLeft)
            | int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignAbsolute))
        painter.drawText(row.body_rect, flags, post.text)
    elif row.body_kind == "text" and row.doc is not None:
        _draw_doc(painter, row.doc, QPointF(row.body_rect.topLeft()), t.color("text"))
    elif row.body_kind in ("poll", "calendar"):
        cards.paint(painter, row.body_rect, post.card, t, p.fonts.font, p.fonts.small,
                    rtl=row.rtl)
    elif row.body_kind in ("tombstone", "unsupported", "rejected"):
        italic = QFont(p.fonts.font)
        italic.setItalic(True)
        painter.setFont(italic)
        painter.setPen(t.color("warning_text") if row.body_kind == "rejected"
                       else t.color("tombstone"))
        text = (tombstone_text(post) if row.body_kind == "tombstone"
                else QCoreApplication.translate("Post", "Rejected by every member's app: {rule}.").format(
                    rule=reason_text(post.rejected))
                if row.body_kind == "rejected"
                else QCoreApplication.translate(
                    "Post", "A newer version of Coterie is needed to show this post."))
        painter.drawText(row.body_rect, lead(row.rtl) | Qt.AlignmentFlag.AlignVCenter,
                         p.fonts.fm.elidedText(text, Qt.TextElideMode.ElideRight,
                                               row.body_rect.width()))


def title(p: Paint) -> None:
    """A forum topic's title, bold, with its tags after it."""
    if p.row.title_rect.isNull():
        return
    painter, post = p.painter, p.post
    bold = QFont(p.fonts.font)
    bold.setBold(True)
    painter.setFont(bold)
    painter.setPen(p.theme.color("text"))
    fm = QFontMetrics(bold)
    rect = p.row.title_rect
    tags = "  ".join(f"#{tag}" for tag in post.tags)
    room = rect.width() - (p.fonts.sfm.horizontalAdvance(tags) + 12 if tags else 0)
    shown = fm.elidedText(post.title, Qt.TextElideMode.ElideRight, max(40, room))
    painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, shown)
    if tags:
        painter.setFont(p.fonts.small)
        painter.setPen(p.theme.color("accent"))
        x = rect.left() + fm.horizontalAdvance(shown) + 12
        painter.drawText(QRect(x, rect.top(), rect.right() - x, rect.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         p.fonts.sfm.elidedText(tags, Qt.TextElideMode.ElideRight, rect.right() - x))


def thread(p: Paint) -> None:
    """The thread footer: a chip that opens the thread."""
    rect = p.row.thread_rect
    if rect.isNull():
        return
    painter = p.painter
    _fill(painter, QRectF(rect), p.theme.color("reaction_bg"), 6)
    painter.setFont(p.fonts.small)
    unread = p.post.thread is not None and p.post.thread.unread
    painter.setPen(p.theme.color("accent") if unread else p.theme.color("muted"))
    inner = rect.adjusted(6, 0, -10, 0) if p.row.rtl else rect.adjusted(10, 0, -6, 0)
    painter.drawText(inner, lead(p.row.rtl) | Qt.AlignmentFlag.AlignVCenter,
                     p.fonts.sfm.elidedText(p.row.thread_text, Qt.TextElideMode.ElideRight,
                                            rect.width() - 16))


def tombstone_text(post: PostView) -> str:
    if post.approval == "rejected":   # my own post under first-post approval
        return QCoreApplication.translate(
            "Post", "A moderator did not approve this post; the others never saw it")
    by = post.deleted_by
    if not by or by == post.sender_name:
        return QCoreApplication.translate("Post", "This post was deleted")
    return QCoreApplication.translate("Post", "This post was deleted by {name}").format(name=isolate(by))


def meta(p: Paint) -> None:
    if p.row.meta_rect.isNull():
        return
    p.painter.setFont(p.fonts.small)
    p.painter.setPen(p.theme.color("muted"))
    p.painter.drawText(p.row.meta_rect, Qt.AlignmentFlag.AlignLeft, p.row.meta)


def warnings(p: Paint) -> None:
    t, painter = p.theme, p.painter
    for rect, sentence in p.row.warn_rects:
        painter.setFont(p.fonts.small)
        _fill(painter, QRectF(rect), t.color("warning_bg"), 4)
        painter.setPen(t.color("warning_text"))
        painter.drawText(rect.adjusted(8, 0, -8, 0), lead(p.row.rtl) | Qt.AlignmentFlag.AlignVCenter,
                         f"⚠ {sentence}")


def actions(p: Paint) -> None:
    if not p.hovered or p.post.kind != "post" or p.post.deleted or p.post.uploading:
        return
    t, painter = p.theme, p.painter
    rects = action_rects(p.width, p.row)
    bar = rects[0][0].united(rects[-1][0]).adjusted(-2, -1, 2, 1)
    painter.setPen(t.color("border"))
    painter.setBrush(t.color("base"))
    painter.drawRoundedRect(QRectF(bar), 6, 6)
    painter.setPen(t.color("muted"))
    painter.setFont(p.fonts.font)
    for rect, _name, glyph in rects:
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, glyph)


def chips(p: Paint) -> None:
    t, painter = p.theme, p.painter
    for rect, emoji, count, mine in p.row.chips:
        painter.setPen(t.color("accent") if mine else t.color("border"))
        painter.setBrush(t.color("reaction_mine_bg") if mine else t.color("reaction_bg"))
        painter.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5),
                                rect.height() / 2, rect.height() / 2)
        painter.setFont(p.fonts.small)
        painter.setPen(t.color("text"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, f"{emoji} {number(count)}")


_THUMBS: OrderedDict[tuple[str, int], QImage] = OrderedDict()
_THUMB_CACHE = 256


def _thumb(post_id: str, index: int, data: bytes) -> QImage:
    """The decoded embedded preview (at most 4 KB, so never a bomb), cached per file."""
    key = (post_id, index)
    image = _THUMBS.get(key)
    if image is None:
        image = QImage.fromData(data)
        _THUMBS[key] = image
        while len(_THUMBS) > _THUMB_CACHE:
            _THUMBS.popitem(last=False)
    else:
        _THUMBS.move_to_end(key)
    return image


def files(p: Paint) -> None:
    """Inline previews of images and cards for other files; a click opens them (delegate)."""
    t, painter = p.theme, p.painter
    by_index = {f.index: f for f in p.post.attachments}
    for rect, index in p.row.files:
        f = by_index.get(index)
        if f is None:
            continue
        r = QRectF(rect)
        moving = p.transfers.state(p.post.id, index) if p.transfers is not None else None
        image = _thumb(p.post.id, index, f.thumbnail) if f.is_image and f.thumbnail else None
        if image is not None and not image.isNull():
            painter.save()
            clip = QPainterPath()
            clip.addRoundedRect(r, 6, 6)
            painter.setClipPath(clip)
            painter.drawImage(r, image)
            painter.restore()
            if moving is not None:
                _transfer(p, rect, moving)
            continue
        painter.setPen(t.color("border"))
        painter.setBrush(t.color("other_bubble"))
        painter.drawRoundedRect(r.adjusted(0.5, 0.5, -0.5, -0.5), 8, 8)
        badge = QRect(rect.left() + 6, rect.top() + 6, rect.height() - 12, rect.height() - 12)
        if p.row.rtl:
            badge.moveRight(rect.right() - 6)
        _fill(painter, QRectF(badge), t.color("quote_bg"), 5)
        painter.setFont(p.fonts.small)
        painter.setPen(t.color("text"))
        ext = f.name.rsplit(".", 1)[-1].upper()[:4] if "." in f.name else "FILE"
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, ext)
        text_x = rect.left() + 6 if p.row.rtl else badge.right() + 8
        text_w = (badge.left() - 8 - text_x) if p.row.rtl else rect.right() - text_x - 6
        align = lead(p.row.rtl) | Qt.AlignmentFlag.AlignTop
        if moving is not None:       # the name and size make room for Cancel
            button = cancel_rect(rect, p.fonts, p.row.rtl)
            if p.row.rtl:
                text_x = button.right() + 6
                text_w = badge.left() - 8 - text_x
            else:
                text_w = button.left() - text_x - 6
        fm = p.fonts.fm
        painter.setFont(p.fonts.font)
        painter.drawText(QRect(text_x, rect.top() + 4, text_w, fm.height()),
                         align, fm.elidedText(f.name, Qt.TextElideMode.ElideMiddle, text_w))
        painter.setFont(p.fonts.small)
        painter.setPen(t.color("muted"))
        painter.drawText(QRect(text_x, rect.top() + 4 + fm.height(), text_w,
                               p.fonts.sfm.height()), align, _size(f.size))
        if moving is not None:
            _transfer(p, rect, moving)


def _transfer(p: Paint, card: QRect, moving: tuple[float, bool]) -> None:
    """A file that is moving: a progress bar along the card's bottom and a Cancel button
    (greyed once pressed, until the transfer stops)."""
    t, painter = p.theme, p.painter
    done, cancelling = moving
    bar = progress_rect(card)
    _fill(painter, QRectF(bar), t.color("border"), 1.5)
    filled = QRectF(bar.left(), bar.top(), bar.width() * max(0.0, min(1.0, done)), bar.height())
    _fill(painter, filled, t.color("accent"), 1.5)
    button = cancel_rect(card, p.fonts, p.row.rtl)
    painter.setPen(t.color("border"))
    painter.setBrush(t.color("base"))
    painter.drawRoundedRect(QRectF(button).adjusted(0.5, 0.5, -0.5, -0.5), 5, 5)
    painter.setFont(p.fonts.small)
    painter.setPen(t.color("muted") if cancelling else t.color("text"))
    painter.drawText(button, Qt.AlignmentFlag.AlignCenter, cancel_label())


def _size(n: int) -> str:
    """A file's size in the window's language (digits, decimal mark, unit), as the
    composer's tray shows it."""
    return QLocale().formattedDataSize(n, 1, QLocale.DataSizeFormat.DataSizeSIFormat)


def _fill(painter: QPainter, rect: QRectF, color: object, radius: float) -> None:
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)  # type: ignore[arg-type]
    painter.drawRoundedRect(rect, radius, radius)


def _draw_doc(painter: QPainter, doc: SafeDocument, at: QPointF, color: object) -> None:
    painter.save()
    painter.translate(at)
    ctx = QAbstractTextDocumentLayout.PaintContext()
    ctx.palette.setColor(QPalette.ColorRole.Text, color)  # type: ignore[arg-type]
    doc.documentLayout().draw(painter, ctx)
    painter.restore()


PARTS: tuple[Callable[[Paint], None], ...] = (
    background, day, event, warning_box, header, quote, title, body, files, meta, warnings,
    actions, chips, thread)
