"""Where each part of a timeline row sits: computed once per row and cached by the delegate.

A row is built from parts, top to bottom: day separator, header (identicon, name, time),
reply quote, body (plain text, Markdown, tombstone), the "edited · sending…" note (at the
end of the body's last line when it fits there), inline warnings and reaction chips.
Warning rows and membership notes are rows of their own kind. Each part has one function
here and one painter in `ui.delegates.post_painters`. A right-to-left window gets the same
layout mirrored (`ui.delegates.mirror`): avatar and name on the right, chips and files
flowing leftwards.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QPointF, QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics, QTextLayout, QTextOption

from app.views import PostView
from ui.delegates import cards
from ui.delegates.mirror import flip
from ui.markdown import SafeDocument, make_document, needs_markdown
from ui.timefmt import clock, day_key, number

MARGIN_L = 16
AVATAR = 34
GAP = 10
CONTENT_X = MARGIN_L + AVATAR + GAP
MARGIN_R = 24
MAX_TEXT = 760
DAY_H = 34
GROUP_SECONDS = 300  # consecutive posts of one sender within 5 minutes share a header
PLAIN_FLAGS = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop) | int(Qt.TextFlag.TextWordWrap)
META_GAP = 8         # between the end of the text and "edited" on the same line

ACTIONS = (("reply", "↩", QT_TRANSLATE_NOOP("PostActions", "Reply")),
           ("react", "☺", QT_TRANSLATE_NOOP("PostActions", "React")),
           ("more", "⋯", QT_TRANSLATE_NOOP("PostActions", "More")))  # translated where shown
ACTION_W, ACTION_H = 30, 26


@dataclass
class RowLayout:
    height: int
    day: str | None
    header: bool
    name_rect: QRect = field(default_factory=QRect)
    time_rect: QRect = field(default_factory=QRect)
    quote_rect: QRect = field(default_factory=QRect)
    body_rect: QRect = field(default_factory=QRect)
    meta_rect: QRect = field(default_factory=QRect)
    meta: str = ""
    warn_rects: list[tuple[QRect, str]] = field(default_factory=list)
    chips: list[tuple[QRect, str, int, bool]] = field(default_factory=list)
    doc: SafeDocument | None = None
    files: list[tuple[QRect, int]] = field(default_factory=list)   # (rect, file index)
    # text (Markdown) | plain | tombstone | unsupported | rejected | warning | event | poll |
    # calendar
    body_kind: str = "text"
    title_rect: QRect = field(default_factory=QRect)     # a forum topic's title and tags
    thread_rect: QRect = field(default_factory=QRect)    # "3 replies · last by Ana 10:42"
    thread_text: str = ""
    width: int = 0       # the width the row was laid out for
    rtl: bool = False    # mirrored for a right-to-left window
    meta_inline: bool = False   # "edited" sits at the end of the body's last line


@dataclass(frozen=True)
class Fonts:
    font: QFont
    fm: QFontMetrics
    small: QFont
    sfm: QFontMetrics
    bold: QFont              # the name above a post
    bfm: QFontMetrics
    time_min_w: int = 0      # the narrowest a post's time may be ("00:00 ")


def small_font(font: QFont) -> QFont:
    small = QFont(font)
    size = font.pointSizeF()
    if size > 0:
        small.setPointSizeF(size * 0.86)
    else:
        small.setPixelSize(max(8, int(font.pixelSize() * 0.86)))
    return small


def fonts_for(font: QFont) -> Fonts:
    own = QFont(font)  # the caller's font may belong to a style option that goes away
    small = small_font(own)
    bold = QFont(own)
    bold.setBold(True)
    sfm = QFontMetrics(small)
    # measured once per font, not once per row: laying out a page of 50 rows is what a
    # channel or thread waits for before its first paint
    return Fonts(own, QFontMetrics(own), small, sfm, bold, QFontMetrics(bold),
                 sfm.horizontalAdvance("00:00 "))


def action_rects(width: int, row: RowLayout) -> list[tuple[QRect, str, str]]:
    """Where the hover bar's buttons sit in a row: top right (top left, reply outermost,
    in a right-to-left window), over the first line."""
    top = (DAY_H if row.day else 0) + 2
    x = min(width, CONTENT_X + MAX_TEXT + MARGIN_R) - MARGIN_R - ACTION_W * len(ACTIONS)
    return [(flip(QRect(x + i * ACTION_W, top, ACTION_W, ACTION_H), width, row.rtl), name, glyph)
            for i, (name, glyph, _label) in enumerate(ACTIONS)]


def show_header(post: PostView, prev: PostView | None) -> bool:
    if prev is None or post.kind in ("warning", "event") or prev.kind in ("warning", "event"):
        return True
    if prev.sender_fingerprint != post.sender_fingerprint:
        return True
    if post.reply_to is not None:
        return True
    return post.sent_at - prev.sent_at > GROUP_SECONDS or day_key(post.sent_at) != day_key(prev.sent_at)


def meta_text(post: PostView) -> str:
    return " · ".join(x for x in (
        QCoreApplication.translate("Post", "edited") if post.edited and not post.deleted else "",
        QCoreApplication.translate("Post", "pinned") if post.pinned else "",
        QCoreApplication.translate("Post", "sending…") if post.sending else "") if x)


def thread_text(post: PostView) -> str:
    """The thread footer under a root: reply count, last replier and time, new replies."""
    t = post.thread
    if t is None or not t.replies:
        return ""
    parts = [QCoreApplication.translate("Post", "1 reply") if t.replies == 1
             else QCoreApplication.translate("Post", "{count} replies").format(count=number(t.replies))]
    if t.last_replier:
        parts.append(QCoreApplication.translate("Post", "last by {name} {time}").format(
            name=t.last_replier, time=clock(t.last_at)) if t.last_at
            else QCoreApplication.translate("Post", "last by {name}").format(name=t.last_replier))
    if t.unread:
        parts.append(QCoreApplication.translate("Post", "{count} new").format(count=number(t.unread)))
    return "↳ " + " · ".join(parts)


def build(post: PostView, header: bool, day: str | None, width: int, fonts: Fonts,
          link_color: object = None, rtl: bool = False) -> RowLayout:
    """The geometry of one row (content coordinates: x from the row's left, y from its top),
    mirrored when `rtl`."""
    row = _build(post, header, day, width, fonts, link_color)
    row.width = width
    if rtl:
        mirror(row)
    return row


def mirror(row: RowLayout) -> None:
    """Move every part to the other side of the row (text keeps its own direction)."""
    w = row.width
    row.rtl = True
    body = row.body_rect
    row.body_rect = flip(body, w, True)
    for name in ("name_rect", "time_rect", "quote_rect", "title_rect", "thread_rect"):
        setattr(row, name, flip(getattr(row, name), w, True))
    if row.meta_inline:   # at the end of the text's last line, wherever the body went
        row.meta_rect = row.meta_rect.translated(row.body_rect.left() - body.left(), 0)
    else:
        row.meta_rect = flip(row.meta_rect, w, True)
    row.warn_rects = [(flip(r, w, True), text) for r, text in row.warn_rects]
    row.chips = [(flip(r, w, True), *rest) for r, *rest in row.chips]
    row.files = [(flip(r, w, True), index) for r, index in row.files]


def _build(post: PostView, header: bool, day: str | None, width: int, fonts: Fonts,
           link_color: object = None) -> RowLayout:
    text_w = min(MAX_TEXT, width - CONTENT_X - MARGIN_R)
    row = RowLayout(0, day, header)
    y = DAY_H if day else 0
    if post.kind == "event":
        return _event(row, y, width, fonts)
    y += 8 if header else 2
    if post.kind == "warning":
        return _warning(row, post, y, text_w, fonts)
    if header:
        y = _header(row, post, y, text_w, fonts)
    if post.reply_to is not None and not post.deleted:
        y = _quote(row, y, text_w, fonts)
    if post.title and not post.rejected and not post.deleted:
        row.title_rect = QRect(CONTENT_X, y, text_w, fonts.fm.height() + 4)
        y += fonts.fm.height() + 6
    if post.text or not post.attachments or post.deleted or post.rejected:
        y = _body(row, post, y, text_w, fonts, link_color)
    if not post.rejected:
        y = _files(row, post, y, text_w, fonts)
    y = _meta(row, post, y, text_w, fonts)
    y = _warnings(row, post, y, text_w, fonts)
    y = _chips(row, post, y, text_w, fonts)
    row.thread_text = thread_text(post)
    if row.thread_text:
        w = fonts.sfm.horizontalAdvance(row.thread_text) + 20
        row.thread_rect = QRect(CONTENT_X, y + 4, min(text_w, w), fonts.sfm.height() + 8)
        y += fonts.sfm.height() + 12
    row.height = y + 6
    return row


def _event(row: RowLayout, y: int, width: int, fonts: Fonts) -> RowLayout:
    row.body_kind = "event"
    h = fonts.sfm.height() + 10
    row.body_rect = QRect(MARGIN_L, y + 4, max(0, width - MARGIN_L - MARGIN_R), h)
    row.height = y + h + 8
    return row


def _warning(row: RowLayout, post: PostView, y: int, text_w: int, fonts: Fonts) -> RowLayout:
    row.body_kind = "warning"
    doc = make_document(post.text, fonts.font, text_w - 28)
    h = int(doc.size().height()) + 12
    row.body_rect = QRect(CONTENT_X, y, text_w, h)
    row.doc = doc
    row.height = y + h + 6
    return row


def _header(row: RowLayout, post: PostView, y: int, text_w: int, fonts: Fonts) -> int:
    fm, sfm = fonts.fm, fonts.sfm
    name_w = min(fonts.bfm.horizontalAdvance(post.sender_name) + 2, text_w - 80)
    row.name_rect = QRect(CONTENT_X, y, name_w, fm.height())
    # measured, not guessed: "10:42 PM", Arabic digits and marks are wider than "00:00"
    tw = max(fonts.time_min_w, sfm.horizontalAdvance(clock(post.sent_at))) + 4
    row.time_rect = QRect(CONTENT_X + name_w + 8, y + fm.ascent() - sfm.ascent(), tw,
                          sfm.height())
    return y + fm.height() + 2


def _quote(row: RowLayout, y: int, text_w: int, fonts: Fonts) -> int:
    qh = fonts.sfm.height() * 2 + 10
    row.quote_rect = QRect(CONTENT_X, y + 2, min(text_w, 520), qh)
    return y + qh + 6


def _body(row: RowLayout, post: PostView, y: int, text_w: int, fonts: Fonts,
          link_color: object) -> int:
    fm = fonts.fm
    if post.kind in ("poll", "calendar") and post.card is not None and not post.deleted:
        row.body_kind = post.kind
        h = cards.height(post.card, fonts.font, fonts.small, text_w)
        row.body_rect = QRect(CONTENT_X, y + 2, cards.width_for(text_w), h)
        return y + h + 4
    if post.rejected and not post.deleted:
        row.body_kind = "rejected"
        row.body_rect = QRect(CONTENT_X, y, text_w, fm.height())
        return y + fm.height()
    if post.deleted or post.kind == "unsupported":
        row.body_kind = "tombstone" if post.deleted else "unsupported"
        row.body_rect = QRect(CONTENT_X, y, text_w, fm.height())
        return y + fm.height()
    if needs_markdown(post.text):
        doc = make_document(post.text, fonts.font, text_w, link_color=link_color)  # type: ignore[arg-type]
        row.doc = doc
        h = int(doc.size().height() + 0.5)
    else:
        # Most posts are plain sentences: wrapping them with QFontMetrics costs a
        # fraction of building a QTextDocument, and paint uses the same flags.
        row.body_kind = "plain"
        h = fm.boundingRect(QRect(0, 0, text_w, 1 << 20), PLAIN_FLAGS, post.text).height()
    row.body_rect = QRect(CONTENT_X, y, text_w, h)
    return y + h


THUMB_BOX = (220, 160)   # an image preview fits in this box
FILE_CARD = (300, 46)


def cancel_label() -> str:
    return QCoreApplication.translate("Post", "Cancel")


def cancel_rect(card: QRect, fonts: Fonts, rtl: bool = False) -> QRect:
    """The Cancel button a file card shows while its file moves (at the trailing bottom
    corner, above the progress bar), in the card's coordinates; the same rect is painted
    and clicked."""
    w = min(fonts.sfm.horizontalAdvance(cancel_label()) + 18, card.width() - 12)
    h = fonts.sfm.height() + 6
    x = card.left() + 6 if rtl else card.right() - 6 - w + 1
    return QRect(x, card.bottom() - 10 - h + 1, w, h)


def progress_rect(card: QRect) -> QRect:
    """The progress bar along the bottom of a file card while its file moves."""
    return QRect(card.left() + 6, card.bottom() - 6, card.width() - 12, 3)


def _files(row: RowLayout, post: PostView, y: int, text_w: int, fonts: Fonts) -> int:
    """Image previews side by side (from the embedded thumbnails), then one card per other
    file, wrapping at the text width."""
    if not post.attachments or post.deleted:
        return y
    x, y, line_h = CONTENT_X, y + 6, 0
    for f in post.attachments:
        if f.is_image and f.thumbnail and f.width and f.height:
            scale = min(THUMB_BOX[0] / f.width, THUMB_BOX[1] / f.height, 1.0)
            w, h = max(48, int(f.width * scale)), max(48, int(f.height * scale))
        else:
            w, h = min(FILE_CARD[0], text_w), FILE_CARD[1]
        if x + w > CONTENT_X + text_w and x > CONTENT_X:
            x, y, line_h = CONTENT_X, y + line_h + 6, 0
        row.files.append((QRect(x, y, w, h), f.index))
        x += w + 6
        line_h = max(line_h, h)
    return y + line_h + 2


def _last_line(row: RowLayout, post: PostView, text_w: int, fonts: Fonts) -> tuple[float, float, float]:
    """(x where the body's last line ends, its top, its height), body coordinates."""
    if row.doc is not None:
        block = row.doc.lastBlock()
        layout = block.layout()
        if layout is None or layout.lineCount() == 0:
            return float(text_w), 0.0, 0.0
        line = layout.lineAt(layout.lineCount() - 1)
        pos = layout.position()
        return (pos.x() + line.x() + line.naturalTextWidth(), pos.y() + line.y(),
                line.height())
    layout = QTextLayout(post.text.replace("\n", "\u2028"), fonts.font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    layout.beginLayout()
    top, last = 0.0, None
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(text_w)
        line.setPosition(QPointF(0, top))
        top += line.height()
        last = line
    layout.endLayout()
    if last is None:
        return 0.0, 0.0, 0.0
    return last.naturalTextWidth(), last.y(), last.height()


def right_to_left(text: str) -> bool:
    """Whether a paragraph reads right to left: its first strong letter is Arabic or Hebrew
    (the rule Qt's automatic direction follows)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def _last_text(row: RowLayout, post: PostView) -> str:
    """The text whose direction decides where the last line ends: a document's last
    paragraph (each paragraph has its own), or a plain post as a whole (drawn as one)."""
    return row.doc.lastBlock().text() if row.doc is not None else post.text


def _meta(row: RowLayout, post: PostView, y: int, text_w: int, fonts: Fonts) -> int:
    """"edited" / "sending…" after the text, on its last line when there is room."""
    meta = meta_text(post)
    if not meta:
        return y
    sfm = fonts.sfm
    mw = sfm.horizontalAdvance(meta) + 2
    row.meta = meta
    if row.body_kind in ("plain", "text"):
        end_x, line_top, line_h = _last_line(row, post, text_w, fonts)
        if line_h and end_x + META_GAP + mw <= text_w:
            body = row.body_rect
            # baselines aligned: the small text sits on the last line's baseline
            top = body.top() + int(line_top + line_h - fonts.fm.descent() - sfm.ascent())
            # after the text's end: on its right for a left-to-right paragraph, on its left
            # for a right-to-left one (which is aligned to the right of the body)
            x = (body.left() + body.width() - int(end_x) - META_GAP - mw
                 if right_to_left(_last_text(row, post)) else body.left() + int(end_x) + META_GAP)
            row.meta_rect = QRect(x, top, mw, sfm.height())
            row.meta_inline = True
            return y
    row.meta_rect = QRect(CONTENT_X, y + 1, mw, sfm.height())
    return y + sfm.height() + 1


def _warnings(row: RowLayout, post: PostView, y: int, text_w: int, fonts: Fonts) -> int:
    sentences = post.warnings
    if post.approval == "waiting":   # my own post under first-post approval
        sentences = (*sentences, QCoreApplication.translate(
            "Post", "Waiting for a moderator's approval: the others do not see this post yet."))
    for sentence in sentences:
        r = QRect(CONTENT_X, y + 3, text_w, fonts.sfm.height() + 6)
        row.warn_rects.append((r, sentence))
        y += r.height() + 3
    return y


def _chips(row: RowLayout, post: PostView, y: int, text_w: int, fonts: Fonts) -> int:
    if not post.reactions or post.deleted:
        return y
    x = CONTENT_X
    y += 4
    ch = fonts.sfm.height() + 8
    for emoji, names in sorted(post.reactions.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        label = f"{emoji} {number(len(names))}"
        w = fonts.sfm.horizontalAdvance(label) + 18
        if x + w > CONTENT_X + text_w and x > CONTENT_X:
            x = CONTENT_X
            y += ch + 4
        row.chips.append((QRect(x, y, w, ch), emoji, len(names), emoji in post.my_reactions))
        x += w + 6
    return y + ch
