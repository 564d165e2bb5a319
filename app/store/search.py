"""Full-text search over posts with FTS5 inside the encrypted database.

The index uses `unicode61 remove_diacritics 2` (so "cafe" finds "café") and prefix indexes
of 2 and 3 characters. Whatever the user types becomes a safe query: each whitespace-
separated token is quoted as an FTS5 string (inner quotes doubled, control characters and
NUL removed) with a `*` for prefix matching, and the tokens are ANDed; operators such as
NEAR, AND, OR, NOT, ^ or column filters are therefore plain words and no input can raise a
syntax error. Tokens with no letter or digit are dropped; a query left with none finds
nothing.

Library items (title, description, tags, link; schema 9) have an index of their own with
the same columns and tokenizer, `library_fts`, queried with the same MATCH; file names and
captions need none, since they are the attachment post's text.

A search inside one group adds `grp : "<group id hex>"` (the index's second, unranked
column), so the group filter is a doclist intersection inside FTS5.

Ranking is bm25 over the most recently stored RANK_WINDOW matches: bm25 costs a lookup per
matching row, so a word found in most posts would otherwise cost O(posts) per keystroke.
Queries matching fewer posts than the window (the usual case) are ranked over all of them.

Snippets are cut in Python from the 20 winning rows (asking FTS5 for a snippet row by row
re-reads the whole doclist of a prefix each time). Matches are wrapped in "\\x02" … "\\x03";
control characters in the post text are removed first, so a post cannot fake a highlight.
"""
from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from dataclasses import dataclass

from app.store.core import StorePart, reads
from app.store.records import SearchResult

HIGHLIGHT_START = "\x02"
HIGHLIGHT_END = "\x03"
ELLIPSIS = "…"
MAX_TOKENS = 16
MAX_TOKEN_CHARS = 64
SNIPPET_TOKENS = 12
RANK_WINDOW = 5000
# words of a post looked at for its snippet (posts are chat-sized; this bounds the odd long one)
SNIPPET_SCAN_WORDS = 2000
# markup/punctuation characters kept next to a snippet's first and last word
_EDGE_CHARS = 4

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# unicode61 token characters: letters, digits (and private-use); everything else separates
_WORD = re.compile(r"[^\W_]+")


def fts_query(text: str) -> str | None:
    """The FTS5 MATCH expression for what the user typed, or None when nothing is searchable."""
    phrases = []
    # NUL would end the FTS5 string early (an unterminated-string error); controls mean nothing
    for token in _CONTROL.sub(" ", text).split():
        if not any(ch.isalnum() for ch in token):
            continue
        token = token[:MAX_TOKEN_CHARS].replace('"', '""')
        phrases.append(f'"{token}"*')
        if len(phrases) == MAX_TOKENS:
            break
    return " ".join(phrases) if phrases else None


def match_expression(query: str, group_id: bytes | None = None) -> str | None:
    """The whole MATCH: the user's words against the text, and the group when given.

    The words are confined to the body column, so typing a group id in hex finds nothing.
    """
    words = fts_query(query)
    if words is None:
        return None
    if group_id is None:
        return f"body : ({words})"
    return f'body : ({words}) AND grp : "{group_id.hex()}"'


def fold(word: str) -> str:
    """A word as the index sees it: case-folded, diacritics removed."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@dataclass(frozen=True)
class _Phrase:
    words: tuple[str, ...]   # folded; the last one matches as a prefix


def _phrases(text: str) -> list[_Phrase]:
    found = []
    for token in _CONTROL.sub(" ", text).split()[:MAX_TOKENS * 4]:
        words = tuple(fold(w) for w in _WORD.findall(token[:MAX_TOKEN_CHARS]))
        if words:
            found.append(_Phrase(words))
    return found[:MAX_TOKENS]


def snippet(body: str, phrases: list[_Phrase], size: int = SNIPPET_TOKENS) -> str:
    """About `size` words of body around the best cluster of matches, matches marked."""
    text = _CONTROL.sub(" ", body)
    words = list(itertools.islice(_WORD.finditer(text), SNIPPET_SCAN_WORDS))
    if not words:
        return ""
    folded = [fold(m.group()) for m in words]
    spans: list[tuple[int, int]] = []  # (first word, last word) of each match
    for phrase in phrases:
        n = len(phrase.words)
        for i in range(len(words) - n + 1):
            if (folded[i:i + n - 1] == list(phrase.words[:-1])
                    and folded[i + n - 1].startswith(phrase.words[-1])):
                spans.append((i, i + n - 1))
    spans.sort()
    first = 0
    if spans:
        starts = [a for a, _ in spans]

        def covered(start: int) -> int:
            return bisect.bisect_left(starts, start + size) - bisect.bisect_left(starts, start)

        best = max(starts, key=lambda a: (covered(max(0, a - 2)), -a))
        first = max(0, min(best - 2, len(words) - size))
    last = min(len(words), first + size) - 1
    # Keep markup and punctuation touching the edge words ('**Ben**', '(see', 'it.'), so a
    # snippet never ends inside an emphasis marker.
    start_char = _edge_before(text, words[first].start())
    end_char = _edge_after(text, words[last].end())
    out = []
    pos = start_char
    for a, b in _merge(spans):
        if b < first or a > last:
            continue
        a, b = max(a, first), min(b, last)
        out += [text[pos:words[a].start()], HIGHLIGHT_START, text[words[a].start():words[b].end()],
                HIGHLIGHT_END]
        pos = words[b].end()
    out.append(text[pos:end_char])
    body_part = " ".join("".join(out).split())
    return ((ELLIPSIS if first > 0 else "") + body_part
            + (ELLIPSIS if last < len(words) - 1 else ""))


def _edge_before(text: str, at: int) -> int:
    start = at
    while start > 0 and at - start < _EDGE_CHARS and _is_mark(text[start - 1]):
        start -= 1
    # a run inside a token ('snake_case', 'example.com') is not an edge: keep the cut there
    return start if start == 0 or text[start - 1].isspace() else at


def _edge_after(text: str, at: int) -> int:
    end = at
    while end < len(text) and end - at < _EDGE_CHARS and _is_mark(text[end]):
        end += 1
    return end if end == len(text) or text[end].isspace() else at


def _is_mark(ch: str) -> bool:
    """Neither a word character nor a separator: markup or punctuation."""
    return not ch.isspace() and _WORD.match(ch) is None


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


_WINDOW = ("SELECT rowid AS id, rank FROM posts_fts WHERE posts_fts MATCH :match "
           "ORDER BY rowid DESC LIMIT :window")
_RANKED = """
SELECT p.id, p.group_id, g.name, p.msg_id, p.sender_name, p.sent_time, p.body, w.rank,
    p.channel_id, p.thread_root, p.sender_ik
FROM (SELECT id, rank FROM ({window}) ORDER BY rank LIMIT :limit) w
JOIN posts p ON p.id = w.id
JOIN groups g ON g.id = p.group_id
ORDER BY w.rank, p.sent_time DESC
"""

_LIBRARY = """
SELECT l.group_id, g.name, l.target, coalesce(m.display_name, ''), l.added_time, l.title,
    l.description, l.tags, l.link, f.rank, p.channel_id, p.thread_root, l.author_ik
FROM (SELECT rowid AS id, rank FROM library_fts WHERE library_fts MATCH :match
      ORDER BY rank LIMIT :limit) f
JOIN library l ON l.id = f.id
JOIN groups g ON g.id = l.group_id
JOIN posts p ON p.group_id = l.group_id AND p.msg_id = l.target AND p.deleted_by IS NULL
LEFT JOIN members m ON m.group_id = l.group_id AND m.ik = l.author_ik
ORDER BY f.rank, l.added_time DESC
"""


def library_text(title: str, description: str, tags: str, link: str) -> str:
    """What a library hit shows: title, description, tags as #words, link."""
    parts = [title, description, " ".join(f"#{t}" for t in tags.split("\n") if t), link]
    return " · ".join(p for p in parts if p)


class SearchIndex(StorePart):
    """The full-text index over posts."""

    @reads
    def find(self, query: str, group_id: bytes | None = None, limit: int = 20
               ) -> list[SearchResult]:
        """Best `limit` posts matching every word of `query` (as prefixes), bm25 order."""
        match = match_expression(query, group_id)
        if match is None or limit <= 0:
            return []
        rows = self._db().execute(
            _RANKED.format(window=_WINDOW),
            {"match": match, "window": max(RANK_WINDOW, limit), "limit": limit}).fetchall()
        phrases = _phrases(query)
        return [SearchResult(r[0], r[1], r[2], r[3], r[4], r[5], snippet(r[6] or "", phrases),
                             r[7], r[8], r[9], sender_ik=bytes(r[10])) for r in rows]

    @reads
    def find_library(self, query: str, group_id: bytes | None = None, limit: int = 20
                     ) -> list[SearchResult]:
        """Best `limit` library items (not removed, their post not deleted) matching every
        word of `query`, bm25 order; each names the saved post."""
        match = match_expression(query, group_id)
        if match is None or limit <= 0:
            return []
        rows = self._db().execute(_LIBRARY, {"match": match, "limit": limit}).fetchall()
        phrases = _phrases(query)
        return [SearchResult(0, bytes(r[0]), r[1], bytes(r[2]), r[3], r[4],
                             snippet(library_text(r[5], r[6], r[7], r[8]), phrases, 24), r[9],
                             bytes(r[10]), None if r[11] is None else bytes(r[11]), "library",
                             sender_ik=bytes(r[12]))
                for r in rows]
