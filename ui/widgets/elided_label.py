"""A one-line label that ends in "…" when its text does not fit, with the whole text as
its tooltip; it asks for little width, so a narrow window shrinks it instead of clipping."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QStyle, QStyleOption, QVBoxLayout, QWidget

MIN_CHARS = 6  # at least this much shows before the ellipsis


class ElidedLabel(QLabel):
    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setTextFormat(Qt.TextFormat.PlainText)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().setText(text)
        self.setToolTip(text)
        self.update()

    def shown_text(self) -> str:
        """The text as painted at the current width."""
        rect = self.contentsRect()
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight,
                                             rect.width())

    def minimumSizeHint(self) -> QSize:
        fm = self.fontMetrics()
        return QSize(fm.horizontalAdvance("M" * MIN_CHARS), super().minimumSizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        option = QStyleOption()
        option.initFrom(self)
        align = QStyle.visualAlignment(self.layoutDirection(), Qt.AlignmentFlag.AlignLeft)
        self.style().drawItemText(painter, self.contentsRect(),
                                  int(align | Qt.AlignmentFlag.AlignVCenter),
                                  option.palette, self.isEnabled(), self.shown_text(),
                                  self.foregroundRole())
        painter.end()


def title_lines() -> tuple[QVBoxLayout, ElidedLabel, ElidedLabel]:
    """A header's title over its subtitle (conversationTitle, conversationSubtitle in the
    stylesheets), both elided: a narrow window shows "Book cl…" rather than cutting the
    name off. Returns the column and the two labels."""
    column = QVBoxLayout()
    column.setSpacing(0)
    title = ElidedLabel()
    title.setObjectName("conversationTitle")
    subtitle = ElidedLabel()
    subtitle.setObjectName("conversationSubtitle")
    column.addWidget(title)
    column.addWidget(subtitle)
    return column, title, subtitle
