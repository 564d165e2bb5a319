"""Safe Markdown, identicons, QR codes, search snippets and the post delegate's layout cache."""
from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QTextDocument
from PySide6.QtWidgets import QListView, QStyleOptionViewItem

from app.views import PostView
from tests.ui.real_services import LiveWorld
from ui.delegates.post_delegate import PostDelegate, show_header
from ui.delegates.search_delegate import snippet_spans
from ui.identicon import identicon, identicon_color
from ui.markdown import SafeDocument, make_document, needs_markdown, plain_excerpt
from ui.models.conversation_model import ConversationModel
from ui.qr import qr_pixmap


def test_markdown_is_rendered(qapp) -> None:
    doc = make_document("some **bold** and *italic*\n\n- one\n- two")
    assert doc.toPlainText().splitlines()[0] == "some bold and italic"
    assert "font-weight:700" in doc.toHtml()


def test_raw_html_in_a_post_stays_text(qapp) -> None:
    doc = make_document("<b>hi</b> <img src='http://x/y.png'> <script>alert(1)</script> **x**")
    assert "<b>hi</b>" in doc.toPlainText()
    assert "<script>" in doc.toPlainText()
    assert "<img" not in doc.toHtml().replace("&lt;img", "")


def test_images_are_never_loaded_and_are_named_instead(qapp) -> None:
    asked: list[str] = []

    class Spy(SafeDocument):
        def loadResource(self, type: int, name: QUrl) -> object:  # noqa: A002
            asked.append(name.toString())
            return super().loadResource(type, name)

    doc = Spy()
    from ui.markdown import render_into

    render_into(doc, "look ![cat](https://tracker.example/cat.png) and ![x](file:///etc/passwd)")
    doc.setTextWidth(400)
    image = QImage(400, 100, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    doc.drawContents(painter)
    painter.end()
    assert "[image not loaded: https://tracker.example/cat.png]" in doc.toPlainText()
    assert "file:///etc/passwd" in doc.toPlainText()
    assert asked == []
    assert SafeDocument().loadResource(QTextDocument.ResourceType.ImageResource.value,
                                       QUrl("https://x/y.png")) is None


def test_links_take_the_theme_colour(qapp) -> None:
    doc = make_document("[site](https://example.org)", link_color=QColor("#123456"))
    assert "#123456" in doc.toHtml()


def test_plain_text_takes_the_fast_path() -> None:
    assert not needs_markdown("Thursday works. I'll bring tea")
    assert needs_markdown("**bold**")
    assert needs_markdown("see https://example.org")
    assert plain_excerpt("*The* [map](http://x) **now**") == "The map now"


def test_identicons_depend_only_on_the_fingerprint(qapp) -> None:
    a1 = identicon("aaaa bbbb", 32)
    a2 = identicon("aaaa bbbb", 32)
    b = identicon("cccc dddd", 32)
    assert a1 is a2  # cached
    assert a1 != b
    assert identicon_color("aaaa bbbb") == identicon_color("aaaa bbbb")
    assert identicon_color("aaaa bbbb", dark=True).lightness() > identicon_color("aaaa bbbb").lightness()


def test_qr_codes_are_drawn(qapp) -> None:
    pixmap = qr_pixmap("coterie://join#1.relay.secret.founder", scale=3)
    assert pixmap.width() > 60 and pixmap.width() == pixmap.height()
    image = pixmap.toImage()
    colours = {image.pixel(x, y) for x in range(0, image.width(), 3)
               for y in range(0, image.height(), 3)}
    assert len(colours) == 2


def test_snippet_spans_mark_the_matches() -> None:
    assert snippet_spans("a \x02tea\x03 party\nnow") == [("a ", False), ("tea", True),
                                                          (" party now", False)]


def test_consecutive_posts_share_a_header() -> None:
    def post(sender: str, at: int) -> PostView:
        return PostView(f"{sender}{at}", "g", sender, f"fp-{sender}", at, "text")

    p1, p2 = post("Bea", 1000), post("Bea", 1060)
    p3, p4 = post("Bea", 1060 + 3600), post("Chen", 1060 + 3660)
    assert show_header(p1, None)
    assert not show_header(p2, p1)
    assert show_header(p3, p2)
    assert show_header(p4, p3)


def test_the_delegate_lays_out_each_row_once(qtbot, world: LiveWorld, worker) -> None:
    services = world.services("Ana")  # "Long": 300 posts in a real store
    model = ConversationModel(services, worker)
    view = QListView()
    delegate = PostDelegate()
    view.setModel(model)
    view.setItemDelegate(delegate)
    view.resize(600, 400)
    view.show()
    with qtbot.waitSignal(model.opened, timeout=10_000):
        model.open(world.groups["Long"])
    qtbot.waitUntil(lambda: delegate.layouts_built >= model.rowCount() >= 30)  # all measured
    built = delegate.layouts_built
    option = QStyleOptionViewItem()
    option.rect = view.viewport().rect()
    option.font = QFont(view.font())
    for row in range(30):
        delegate.sizeHint(option, model.index(row, 0))
    view.viewport().repaint()
    assert delegate.layouts_built <= built + 30  # at most one more per row for this width
    again = delegate.layouts_built
    for row in range(30):
        delegate.sizeHint(option, model.index(row, 0))
    assert delegate.layouts_built == again


def test_resources_are_complete(qapp) -> None:
    from ui.theme import DARK, LIGHT, RESOURCES, app_icon, stylesheet_for

    pixmap = app_icon().pixmap(64, 64)
    assert not pixmap.isNull()
    image = pixmap.toImage()
    assert image.pixelColor(32, 10).alpha() == 255  # the drawn icon, not an empty pixmap
    for theme in (LIGHT, DARK):
        qss = stylesheet_for(theme)
        assert "@RESOURCES@" not in qss and str(RESOURCES / "check.svg") in qss
        assert theme.accent in qss
    desktop = (RESOURCES / "coterie.desktop").read_text()
    assert "MimeType=x-scheme-handler/coterie;" in desktop
    assert "Exec=coterie %u" in desktop


def test_snippets_show_words_not_markdown_markers() -> None:
    spans = snippet_spans("See [\x02the\x03 map](https://example.org/map) and **bold** *it* `x`")
    assert "".join(t for t, _ in spans) == "See the map and bold it x"
    assert ("the", True) in spans
    assert "".join(t for t, _ in snippet_spans("snake_case stays, 2 * 3 stays")) == \
        "snake_case stays, 2 * 3 stays"
