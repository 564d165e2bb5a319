"""Posts rendered as safe Markdown.

Qt parses the Markdown (GitHub dialect) with raw HTML switched off, so a post can never
inject markup; `SafeDocument.loadResource` refuses every resource, so nothing remote (or
local) is ever fetched, and images are replaced by a plain-text mention of their address.
"""
from __future__ import annotations

import re

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


_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\s]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|~~|`+)|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)")
_LINE_MARK = re.compile(r"^[ \t]*(?:#{1,6}[ \t]+|>[ \t]?|[-+*][ \t]+)", re.MULTILINE)


def markup_free(text: str) -> str:
    """Markdown source read as plain words, for one-line excerpts (search hits): links keep
    their label, emphasis, code ticks, headings, quotes and bullets lose their markers."""
    text = _LINK.sub(r"\1", text)
    text = _LINE_MARK.sub("", text)
    return _EMPHASIS.sub("", text)


def needs_markdown(text: str) -> bool:
    return bool(_MARKUP.search(text))


def _fix_images_and_links(doc: QTextDocument, link_color: QColor | None) -> None:
    found: list[tuple[int, int, str]] = []
    links: list[tuple[int, int]] = []
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
    for pos, length, name in reversed(found):
        cursor = QTextCursor(doc)
        cursor.setPosition(pos)
        cursor.setPosition(pos + length, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(f"[image not loaded: {name}]" if name else "[image not loaded]")


def render_into(doc: QTextDocument, text: str, link_color: QColor | None = None) -> None:
    """Fill `doc` with `text` as safe Markdown (plain text when there is no markup)."""
    if needs_markdown(text):
        doc.setMarkdown(text, _FEATURES)
        _fix_images_and_links(doc, link_color)
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


_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|~~|`+|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w))")
_LINE_MARK = re.compile(r"^\s{0,3}(#{1,6}\s+|>\s?|[-+*]\s+|\d+[.)]\s+)", re.MULTILINE)


def plain_excerpt(text: str) -> str:
    """A one-line, markup-free excerpt of a Markdown post (for quotes and previews)."""
    text = _LINK.sub(r"\1", text)
    text = _LINE_MARK.sub("", text)
    text = _EMPHASIS.sub("", text)
    return " ".join(text.split())
