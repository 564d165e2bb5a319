-- Coterie store, schema version 9.
-- Library items join the encrypted search index: an entry's title, description, tags and
-- link are found the way post text is (file names and captions already are, as the
-- attachment post's text). `library` is rebuilt with a row id so an external-content FTS5
-- table can index it; `body` is what search sees, nothing once the item is removed.

CREATE TABLE library_v9 (
    id          INTEGER PRIMARY KEY,
    group_id    BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    item_id     BLOB    NOT NULL,             -- message id of the library-add entry
    target      BLOB    NOT NULL,             -- the post it saves
    author_ik   BLOB    NOT NULL,
    added_time  INTEGER NOT NULL,
    title       TEXT    NOT NULL DEFAULT '',
    description TEXT    NOT NULL DEFAULT '',
    tags        TEXT    NOT NULL DEFAULT '',  -- newline-separated
    link        TEXT    NOT NULL DEFAULT '',
    pinned      INTEGER NOT NULL DEFAULT 0,
    removed     INTEGER NOT NULL DEFAULT 0,
    body        TEXT GENERATED ALWAYS AS (
                    CASE WHEN removed = 0 THEN
                        title || char(10) || description || char(10) || tags || char(10) || link
                    END
                ) VIRTUAL,
    grp         TEXT GENERATED ALWAYS AS (lower(hex(group_id))) VIRTUAL,
    UNIQUE (group_id, item_id)
);
INSERT INTO library_v9 (group_id, item_id, target, author_ik, added_time, title, description,
                        tags, link, pinned, removed)
    SELECT group_id, item_id, target, author_ik, added_time, title, description, tags, link,
           pinned, removed
    FROM library ORDER BY added_time, item_id;
DROP TABLE library;
ALTER TABLE library_v9 RENAME TO library;

CREATE VIRTUAL TABLE library_fts USING fts5 (
    body,
    grp,
    content = 'library',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
-- bm25 ranks by the text only; the group column is for filtering.
INSERT INTO library_fts (library_fts, rank) VALUES ('rank', 'bm25(1.0, 0.0)');

CREATE TRIGGER library_fts_insert AFTER INSERT ON library BEGIN
    INSERT INTO library_fts (rowid, body, grp) VALUES (new.id, new.body, new.grp);
END;
CREATE TRIGGER library_fts_delete AFTER DELETE ON library BEGIN
    INSERT INTO library_fts (library_fts, rowid, body, grp)
        VALUES ('delete', old.id, old.body, old.grp);
END;
CREATE TRIGGER library_fts_update AFTER UPDATE OF title, description, tags, link, removed
ON library BEGIN
    INSERT INTO library_fts (library_fts, rowid, body, grp)
        VALUES ('delete', old.id, old.body, old.grp);
    INSERT INTO library_fts (rowid, body, grp) VALUES (new.id, new.body, new.grp);
END;

INSERT INTO library_fts (library_fts) VALUES ('rebuild');
