"""Posts rendered as safe Markdown.

Qt parses the Markdown (GitHub dialect) with raw HTML switched off, so a post can never
inject markup; `SafeDocument.loadResource` refuses every resource, so nothing remote (or
local) is ever fetched, and images are replaced by a plain-text mention of their address.
"""
from __future__ import annotations

import re
from functools import lru_cache

from PySide6.QtCore import QUrl
from PySide6.QtGui import QColor, QFont, QTextCharFormat, QTextCursor, QTextDocument

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


def _fix_formats(doc: QTextDocument, source: str, link_color: QColor | None) -> None:
    """Images become a mention of their address, links take the theme's colour, and
    underscore emphasis reads as in every other Markdown: Qt's parser underlines `_x_`
    and `__x__`; they become italic and bold (the source tells which one was meant)."""
    found: list[tuple[int, int, str]] = []
    links: list[tuple[int, int]] = []
    underlined: list[tuple[int, int, bool]] = []
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            if frag.isValid():
                fmt = frag.charFormat()
                if fmt.isImageFormat():
                    found.append((frag.position(), frag.length(), fmt.toImageFormat().name()))
                elif fmt.isAnchor():
                    links.append((frag.position(), frag.length()))
                elif fmt.fontUnderline():
                    strong = f"__{frag.text()}__" in source
                    underlined.append((frag.position(), frag.length(), strong))
            it += 1
        block = block.next()
    if link_color is not None:
        recolor = QTextCharFormat()
        recolor.setForeground(link_color)
        for pos, length in links:
            cursor = QTextCursor(doc)
            cursor.setPosition(pos)
            cursor.setPosition(pos + length, QTextCursor.MoveMode.KeepAnchor)
            cursor.mergeCharFormat(recolor)
    for pos, length, strong in underlined:
        emphasis = QTextCharFormat()
        emphasis.setFontUnderline(False)
        if strong:
            emphasis.setFontWeight(QFont.Weight.Bold)
        else:
            emphasis.setFontItalic(True)
        cursor = QTextCursor(doc)
        cursor.setPosition(pos)
        cursor.setPosition(pos + length, QTextCursor.MoveMode.KeepAnchor)
        cursor.mergeCharFormat(emphasis)
    for pos, length, name in reversed(found):
        cursor = QTextCursor(doc)
        cursor.setPosition(pos)
        cursor.setPosition(pos + length, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(f"[image not loaded: {name}]" if name else "[image not loaded]")


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
