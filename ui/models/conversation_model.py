"""One group's timeline as a sliding window over the store.

The model never holds the whole conversation: it starts with the latest page, grows a page
at a time at either end as the view scrolls (`load_older` / `load_newer`), and trims the far
end once it holds more than `window_limit` rows, remembering that there is more there.
A new, edited or acknowledged post changes one row (insert or dataChanged), never the
whole model. All store reads go through the worker; answers for a group that is no longer
open are dropped (a generation counter).
"""
from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from app.errors import NotFound
from app.names import isolate
from app.views import GENERAL_ID, Page, PostView
from ui.models.keyed_list import ITEM_ROLE, KEY_ROLE
from ui.timefmt import full, number
from ui.worker import Worker

if TYPE_CHECKING:
    from app.api import Services

Index = QModelIndex | QPersistentModelIndex
PAGE = 50
WINDOW_LIMIT = 400
# Above this many changed posts in one event a fresh page is cheaper than one read per post.
BULK_REFRESH = 40


def order_key(post: PostView) -> int:
    """The store orders by send time, then by arrival; a post new to the window goes after
    every post sent in the same second."""
    return post.sent_at


class ConversationModel(QAbstractListModel):
    opened = Signal(str, int)        # group id, row to show (-1: the newest row)
    older_loaded = Signal(int)       # rows inserted at the top (the view keeps its place)
    appended = Signal(int)           # rows added at the bottom by a live post
    loading_changed = Signal(bool)

    def __init__(self, services: Services, worker: Worker, page: int = PAGE,
                 window_limit: int = WINDOW_LIMIT, parent: Any = None) -> None:
        super().__init__(parent)
        self._services = services
        self._worker = worker
        self._page = page
        self._limit = max(window_limit, 2 * page)
        self._posts: list[PostView] = []
        self._keys: list[int] = []
        self._rows: dict[str, int] | None = {}
        self._group: str | None = None
        # the timeline shown: a channel's top-level posts, or one thread's replies
        self._channel: str = GENERAL_ID
        self._thread: str | None = None
        self._gen = 0
        self.more_before = False
        self.more_after = False
        self._loading_older = False
        self._loading_newer = False
        # Set by the view while the reader sits at the newest post: live posts then keep
        # the window at one page, what opening the group shows (older rows come back when
        # scrolling up), so each new post costs a relayout of fifty rows, not of the window.
        self.follow_live = False
        self.loading = False  # the first page of the open group has not arrived yet

    # -- Qt interface ----------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._posts)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._posts):
            return None
        post = self._posts[index.row()]
        if role == ITEM_ROLE:
            return post
        if role == KEY_ROLE:
            return post.id
        if role == Qt.ItemDataRole.DisplayRole:
            return post.text
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return describe(post)
        if role == Qt.ItemDataRole.ToolTipRole:
            return full(post.sent_at)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemNeverHasChildren)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self.more_after and not self._loading_newer

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not parent.isValid():
            self.load_newer()

    # -- access ------------------------------------------------------------------------------
    @property
    def group_id(self) -> str | None:
        return self._group

    @property
    def channel_id(self) -> str:
        return self._channel

    @property
    def thread_id(self) -> str | None:
        return self._thread

    def in_scope(self, post: PostView) -> bool:
        """Whether a post belongs to the timeline shown (warnings and notes: General only)."""
        if self._thread is not None:
            return post.thread_root == self._thread
        if post.kind in ("warning", "event"):
            return self._channel == GENERAL_ID
        return post.thread_root is None and post.channel_id == self._channel

    def post_at(self, row: int) -> PostView | None:
        return self._posts[row] if 0 <= row < len(self._posts) else None

    def row_of(self, post_id: str) -> int:
        if self._rows is None:
            self._rows = {p.id: i for i, p in enumerate(self._posts)}
        return self._rows.get(post_id, -1)

    def last_own_post(self) -> PostView | None:
        for post in reversed(self._posts):
            if post.mine and post.kind == "post" and not post.deleted:
                return post
        return None

    @property
    def at_live_end(self) -> bool:
        """True when the newest stored post is in the window (live posts are appended)."""
        return not self.more_after

    # -- loading -----------------------------------------------------------------------------
    def open(self, group_id: str, around_post: str | None = None, *,
             channel: str | None = None, thread: str | None = None) -> None:
        """Show a channel of `group_id` (General by default) or one thread's replies, from
        the latest page or the page around `around_post`."""
        self._gen += 1
        gen = self._gen
        self._group = group_id
        self._channel = channel or GENERAL_ID
        self._thread = thread
        self._loading_older = self._loading_newer = False
        self.loading = True
        self.loading_changed.emit(True)
        svc = self._services
        size = self._page

        def fetch() -> Page:
            if around_post is not None:
                try:
                    return svc.posts.around(group_id, around_post, size)
                except NotFound:
                    pass  # deleted since the search: show the latest instead
            return svc.posts.latest(group_id, size, channel=self._channel, thread=thread)

        self._worker.run(fetch, lambda page: self._opened(gen, page, around_post),
                         lambda exc: self._failed(gen, exc), owner=self)

    def clear(self) -> None:
        self._gen += 1
        self._group = None
        self.beginResetModel()
        self._set_posts([])
        self.more_before = self.more_after = False
        self.endResetModel()

    def _opened(self, gen: int, page: Page, target: str | None) -> None:
        if gen != self._gen:
            return
        self.beginResetModel()
        self._set_posts(list(page.posts))
        self.more_before, self.more_after = page.more_before, page.more_after
        self.loading = False
        self.endResetModel()
        self.loading_changed.emit(False)
        row = self.row_of(target) if target else -1
        if row >= 0:   # the page around a post is that post's timeline
            post = self._posts[row]
            if post.kind == "post":
                self._thread = post.thread_root
                if post.thread_root is None:
                    self._channel = post.channel_id
        self.opened.emit(self._group or "", row)

    def _failed(self, gen: int, exc: BaseException) -> None:
        if gen == self._gen:
            self._loading_older = self._loading_newer = self.loading = False
            self.loading_changed.emit(False)
            self._worker.failed.emit(str(exc) if str(exc) else "The posts could not be read.")

    def load_older(self) -> None:
        if not self._posts or not self.more_before or self._loading_older or not self._group:
            return
        self._loading_older = True
        gen, group, first = self._gen, self._group, self._posts[0].id
        size = self._page
        self._worker.run(lambda: self._services.posts.before(group, first, size),
                         lambda page: self._older(gen, first, page),
                         lambda exc: self._failed(gen, exc), owner=self)

    def _older(self, gen: int, anchor: str, page: Page) -> None:
        if gen != self._gen:
            return
        self._loading_older = False
        if not self._posts or self._posts[0].id != anchor:
            return  # the window moved meanwhile; the next scroll asks again
        fresh = [p for p in page.posts if self.row_of(p.id) < 0]
        self.more_before = page.more_before
        if fresh:
            self.beginInsertRows(QModelIndex(), 0, len(fresh) - 1)
            self._set_posts(fresh + self._posts)
            self.endInsertRows()
        self._trim_bottom()
        self.older_loaded.emit(len(fresh))

    def load_newer(self) -> None:
        if not self._posts or not self.more_after or self._loading_newer or not self._group:
            return
        self._loading_newer = True
        gen, group, last = self._gen, self._group, self._posts[-1].id
        size = self._page
        self._worker.run(lambda: self._services.posts.after(group, last, size),
                         lambda page: self._newer(gen, last, page),
                         lambda exc: self._failed(gen, exc), owner=self)

    def _newer(self, gen: int, anchor: str, page: Page) -> None:
        if gen != self._gen:
            return
        self._loading_newer = False
        if not self._posts or self._posts[-1].id != anchor:
            return
        fresh = [p for p in page.posts if self.row_of(p.id) < 0]
        self.more_after = page.more_after
        if fresh:
            start = len(self._posts)
            self.beginInsertRows(QModelIndex(), start, start + len(fresh) - 1)
            self._set_posts(self._posts + fresh)
            self.endInsertRows()
        self._trim_top()

    def _trim_bottom(self) -> None:
        extra = len(self._posts) - self._limit
        if extra > 0:
            n = len(self._posts)
            self.beginRemoveRows(QModelIndex(), n - extra, n - 1)
            self._set_posts(self._posts[: n - extra])
            self.endRemoveRows()
            self.more_after = True

    def _trim_top(self, limit: int | None = None) -> None:
        extra = len(self._posts) - (self._limit if limit is None else limit)
        if extra > 0:
            self.beginRemoveRows(QModelIndex(), 0, extra - 1)
            self._set_posts(self._posts[extra:])
            self.endRemoveRows()
            self.more_before = True

    # -- live changes ------------------------------------------------------------------------
    def posts_changed(self, group_id: str | None, post_ids: Sequence[str]) -> None:
        """A POSTS event: re-read the named posts (or the latest page after a big batch)."""
        if group_id is None or group_id != self._group:
            return
        if not post_ids or len(post_ids) > BULK_REFRESH:
            if self.at_live_end:
                self._refresh_latest()
            return
        gen, group, ids = self._gen, group_id, tuple(post_ids)

        shown = {p.id for p in self._posts}

        def fetch() -> list[PostView]:
            found = []
            roots = set()
            for pid in ids:
                try:
                    post = self._services.posts.get(group, pid)
                except NotFound:
                    continue  # forgotten meanwhile (left group): nothing to show
                found.append(post)
                if post.thread_root is not None and post.thread_root in shown:
                    roots.add(post.thread_root)   # its root's reply count changed
            for root in roots - set(ids):
                try:
                    found.append(self._services.posts.get(group, root))
                except NotFound:
                    continue
            return found

        self._worker.run(fetch, lambda posts: self.apply_posts(gen, posts),
                         lambda exc: self._failed(gen, exc), owner=self)

    def members_changed(self, group_id: str | None) -> None:
        """A MEMBERS event (a member's name in this group, a role): re-read every row the
        window holds, wherever it is scrolled, so names change on the rows in view too."""
        if group_id is None or group_id != self._group or not self._posts:
            return
        if self.at_live_end:
            self._refresh_latest()   # also the membership notes between the posts
        gen, group, ids = self._gen, group_id, [p.id for p in self._posts]
        self._worker.run(lambda: self._services.posts.get_many(group, ids),
                         lambda posts: self.apply_posts(gen, posts),
                         lambda exc: self._failed(gen, exc), owner=self)

    def apply_posts(self, gen: int | None, posts: Sequence[PostView]) -> None:
        """Put fresh copies of posts into the window: update in place or insert in order."""
        if gen is not None and gen != self._gen:
            return
        appended = 0
        for post in posts:
            if post.group_id != self._group or not self.in_scope(post):
                continue
            row = self.row_of(post.id)
            if row >= 0:
                if self._posts[row] != post:
                    self._posts[row] = post
                    idx = self.index(row, 0)
                    self.dataChanged.emit(idx, idx)
                continue
            key = order_key(post)
            at = bisect.bisect_right(self._keys, key)
            if at == 0 and self.more_before and self._posts:
                continue  # older than the window: it will come with the next older page
            if at == len(self._posts) and self.more_after:
                continue  # beyond the window: the newer pages will bring it
            self.beginInsertRows(QModelIndex(), at, at)
            self._posts.insert(at, post)
            self._keys.insert(at, key)
            if at == len(self._posts) - 1 and self._rows is not None:
                self._rows[post.id] = at
            else:
                self._rows = None
            self.endInsertRows()
            if at == len(self._posts) - 1:
                appended += 1
        if appended:
            self._trim_top(self._page if self.follow_live else None)
            self.appended.emit(appended)

    def discard(self, post_id: str) -> None:
        """Take a row out of the window (a local row that never became a post)."""
        row = self.row_of(post_id)
        if row < 0:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._posts[row]
        del self._keys[row]
        self._rows = None
        self.endRemoveRows()

    def _refresh_latest(self) -> None:
        gen, group = self._gen, self._group
        if group is None:
            return
        size = self._page
        channel, thread = self._channel, self._thread
        self._worker.run(lambda: self._services.posts.latest(group, size, channel=channel,
                                                             thread=thread),
                         lambda page: self.apply_posts(gen, page.posts),
                         lambda exc: self._failed(gen, exc), owner=self)

    # -- internals ---------------------------------------------------------------------------
    def _set_posts(self, posts: list[PostView]) -> None:
        self._posts = posts
        self._keys = [order_key(p) for p in posts]
        self._rows = None


def describe(post: PostView) -> str:
    """What a screen reader says for one row."""
    when = full(post.sent_at)
    if post.kind == "warning":
        return QCoreApplication.translate("Post", "Warning: {text}").format(text=post.text)
    if post.kind == "event":
        return f"{post.text}, {when}"
    if post.kind == "unsupported":
        return QCoreApplication.translate("Post", "{name}, {when}: a post this version of Coterie cannot show").format(
            name=isolate(post.sender_name), when=when)
    if post.deleted:
        if post.deleted_by:
            return QCoreApplication.translate("Post", "{name}, {when}: deleted by {by}").format(
                name=isolate(post.sender_name), when=when, by=isolate(post.deleted_by))
        return QCoreApplication.translate("Post", "{name}, {when}: deleted").format(
            name=isolate(post.sender_name), when=when)
    head = f"{isolate(post.sender_name)}, {when}"
    if post.reply_to is not None:
        head = QCoreApplication.translate("Post", "{head}, replying to {name}").format(
            head=head, name=isolate(post.reply_to.sender_name))
    extras = []
    if post.edited:
        extras.append(QCoreApplication.translate("Post", "edited"))
    if post.reactions:
        extras.append(QCoreApplication.translate("Post", "reactions {list}").format(
            list=", ".join(f"{e} {number(len(n))}" for e, n in post.reactions.items())))
    if post.sending:
        extras.append(QCoreApplication.translate("Post", "sending"))
    tail = f" ({'; '.join(extras)})" if extras else ""
    return f"{head}: {post.text}{tail}"
