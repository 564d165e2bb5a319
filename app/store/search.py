"""Full-text search over posts with FTS5 inside the encrypted database.

The index uses `unicode61 remove_diacritics 2` (so "cafe" finds "café") and prefix indexes
of 2 and 3 characters. Whatever the user types becomes a safe query: each whitespace-
separated token is quoted as an FTS5 string (inner quotes doubled) with a `*` for prefix
matching, and the tokens are ANDed; operators such as NEAR, AND, OR, NOT, ^ or column
filters are therefore plain words and no input can raise a syntax error. Tokens with no
letter or digit are dropped; a query left with none returns nothing.

Snippets mark matches with "\\x02" … "\\x03". The markers SQLite inserts are random per
query, and control characters from the post text are removed before the real markers are
put in, so a post cannot fake a highlight.
"""
from __future__ import annotations

import re
import secrets

from app.store.core import StoreCore, reads
from app.store.records import SearchResult

HIGHLIGHT_START = "\x02"
HIGHLIGHT_END = "\x03"
MAX_TOKENS = 16
MAX_TOKEN_CHARS = 64
SNIPPET_TOKENS = 12

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


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


def _clean_snippet(raw: str, start: str, end: str) -> str:
    text = _CONTROL.sub("", raw.replace("\n", " ").replace("\t", " "))
    return text.replace(start, HIGHLIGHT_START).replace(end, HIGHLIGHT_END)


class SearchMixin(StoreCore):
    @reads
    def search(self, query: str, group_id: bytes | None = None, limit: int = 20
               ) -> list[SearchResult]:
        """Best `limit` posts matching every word of `query` (as prefixes), bm25 order."""
        match = fts_query(query)
        if match is None or limit <= 0:
            return []
        nonce = secrets.token_hex(6)
        start, end = f"\ue000{nonce}<", f">{nonce}\ue000"
        where = "posts_fts MATCH ?"
        params: list[object] = [start, end, match]
        if group_id is not None:
            where += " AND p.group_id = ?"
            params.append(group_id)
        params.append(limit)
        rows = self._db().execute(
            f"""
            SELECT p.id, p.group_id, g.name, p.msg_id, p.sender_name, p.sent_time,
                   snippet(posts_fts, 0, ?, ?, '…', {SNIPPET_TOKENS}), posts_fts.rank
            FROM posts_fts
            JOIN posts p ON p.id = posts_fts.rowid
            JOIN groups g ON g.id = p.group_id
            WHERE {where}
            ORDER BY posts_fts.rank, p.sent_time DESC
            LIMIT ?
            """, params).fetchall()
        return [SearchResult(r[0], r[1], r[2], r[3], r[4], r[5],
                             _clean_snippet(r[6] or "", start, end), r[7]) for r in rows]
