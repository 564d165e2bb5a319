"""Markdown in the timeline reads as in other Markdown apps, and plain text made from it
comes from Qt's own parser (what the timeline shows, minus the formatting)."""
from __future__ import annotations

from PySide6.QtGui import QTextDocument

from ui.markdown import make_document, markup_free, plain_excerpt


def _formats(doc: QTextDocument) -> dict[str, tuple[bool, bool, bool]]:
    """text of each fragment -> (italic, bold, underlined)"""
    out = {}
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            fmt = frag.charFormat()
            out[frag.text()] = (fmt.fontItalic(), fmt.fontWeight() >= 600, fmt.fontUnderline())
            it += 1
        block = block.next()
    return out


def test_underscore_emphasis_is_italic_and_bold_not_underlined(qapp) -> None:  # noqa: ANN001
    formats = _formats(make_document("an _aside_, a *star*, a __shout__ and **more**"))
    assert formats["aside"] == (True, False, False)
    assert formats["star"] == (True, False, False)
    assert formats["shout"] == (False, True, False)
    assert formats["more"] == (False, True, False)


def test_plain_text_is_what_qt_reads(qapp) -> None:  # noqa: ANN001
    assert markup_free("1. one\n2. two") == "one\ntwo"
    assert markup_free("- a\n- b") == "a\nb"
    assert markup_free("# Plan\n\n> quoted _word_ and [map](https://x.example) `code`") \
        == "Plan\nquoted word and map code"
    assert markup_free("snake_case_name stays") == "snake_case_name stays"
    assert markup_free("2 * 3 * 4") == "2 * 3 * 4"
    assert markup_free("a \x02match\x03 kept") == "a \x02match\x03 kept"
    assert plain_excerpt("![pic](https://x.example/p.png) then\n\n**bold**") \
        == "[image not loaded: https://x.example/p.png] then bold"


def test_no_second_set_of_patterns_remains() -> None:
    import ui.markdown as md
    assert not hasattr(md, "_EMPHASIS") and not hasattr(md, "_LINE_MARK")
