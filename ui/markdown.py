"""Posts rendered as safe Markdown.

Qt parses the Markdown (GitHub dialect) with raw HTML switched off, so a post can never
inject markup; `SafeDocument.loadResource` refuses every resource, so nothing remote (or
local) is ever fetched, and images are replaced by a plain-text mention of their address.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFragment,
)

_FEATURES = QTextDocument.MarkdownFeature(
    QTextDocument.MarkdownFeature.MarkdownDialectGitHub.value
    | QTextDocument.MarkdownFeature.MarkdownNoHTML.value
)
# Anything that could make Markdown differ from the plain text; without these characters
# the cheaper plain-text path gives the same result.
_MARKUP = re.compile(r"[*_`#>\[\]!|~<&\\]|^\s*([-+]|\d+[.)])\s|https?://|www\.|\n\s*\n|@",
                     re.MULTILINE)


class SafeDocument(QTextDocument):
    """A QTextDocument that never loads any resource (no remote images, no local files)."""

    def loadResource(self, type: int, name: QUrl) -> object:  # noqa: A002 - Qt's name
        return None


def needs_markdown(text: str) -> bool:
    return bool(_MARKUP.search(text))


def _fragments(doc: QTextDocument) -> Iterator[QTextFragment]:
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            if it.fragment().isValid():
                yield it.fragment()
            it += 1
        block = block.next()


def _select(doc: QTextDocument, pos: int, length: int) -> QTextCursor:
    cursor = QTextCursor(doc)
    cursor.setPosition(pos)
    cursor.setPosition(pos + length, QTextCursor.MoveMode.KeepAnchor)
    return cursor


def _emphasis(strong: bool) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setFontUnderline(False)
    if strong:
        fmt.setFontWeight(QFont.Weight.Bold)
    else:
        fmt.setFontItalic(True)
    return fmt


def _fix_formats(doc: QTextDocument, source: str, link_color: QColor | None) -> None:
    """Images become a mention of their address, links take the theme's colour, and
    underscore emphasis reads as in every other Markdown: Qt's parser underlines `_x_`
    and `__x__`; they become italic and bold (the source tells which one was meant)."""
    changes: list[tuple[int, int, QTextCharFormat]] = []
    images: list[tuple[int, int, str]] = []
    recolor = QTextCharFormat()
    if link_color is not None:
        recolor.setForeground(link_color)
    for frag in _fragments(doc):
        fmt = frag.charFormat()
        where = (frag.position(), frag.length())
        if fmt.isImageFormat():
            images.append((*where, fmt.toImageFormat().name()))
        elif fmt.isAnchor():
            if link_color is not None:
                changes.append((*where, recolor))
        elif fmt.fontUnderline():
            changes.append((*where, _emphasis(f"__{frag.text()}__" in source)))
    for pos, length, change in changes:
        _select(doc, pos, length).mergeCharFormat(change)
    for pos, length, name in reversed(images):  # from the end: positions stay valid
        _select(doc, pos, length).insertText(
            QCoreApplication.translate("Markdown", "[image not loaded: {name}]").format(name=name)
            if name else QCoreApplication.translate("Markdown", "[image not loaded]"))


def render_into(doc: QTextDocument, text: str, link_color: QColor | None = None) -> None:
    """Fill `doc` with `text` as safe Markdown (plain text when there is no markup)."""
    if needs_markdown(text):
        doc.setMarkdown(text, _FEATURES)
        _fix_formats(doc, text, link_color)
    else:
        doc.setPlainText(text)


def make_document(text: str, font: QFont | None = None, width: float = -1,
                  link_color: QColor | None = None) -> SafeDocument:
    doc = SafeDocument()
    doc.setDocumentMargin(0)
    doc.setUndoRedoEnabled(False)
    if font is not None:
        doc.setDefaultFont(font)
    render_into(doc, text, link_color)
    if width > 0:
        doc.setTextWidth(width)
    return doc


def markup_free(text: str) -> str:
    """Markdown source read as plain words (search hits, quotes, previews): Qt's own parser
    reads it, so links keep their label and every marker it understands (emphasis, code,
    headings, quotes, bullets, numbered lists) goes exactly as the timeline shows it."""
    if not needs_markdown(text):
        return text
    return _plain(text)


@lru_cache(maxsize=2048)
def _plain(text: str) -> str:
    doc = SafeDocument()
    render_into(doc, text)
    return doc.toPlainText()


def plain_excerpt(text: str) -> str:
    """A one-line, markup-free excerpt of a Markdown post (for quotes and previews)."""
    return " ".join(markup_free(text).split())
