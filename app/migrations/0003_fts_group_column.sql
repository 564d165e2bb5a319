-- Coterie store, schema version 3.
-- The search index gets the post's group as a second, unranked column (its id in hex, one
-- token per post), so a search inside one group is a doclist intersection in FTS5 instead
-- of a table lookup per match. The index is rebuilt from the posts once.

ALTER TABLE posts ADD COLUMN grp TEXT GENERATED ALWAYS AS (lower(hex(group_id))) VIRTUAL;

DROP TRIGGER posts_fts_insert;
DROP TRIGGER posts_fts_delete;
DROP TRIGGER posts_fts_update;
DROP TABLE posts_fts;

CREATE VIRTUAL TABLE posts_fts USING fts5 (
    body,
    grp,
    content = 'posts',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
-- bm25 ranks by the text only; the group column is for filtering.
INSERT INTO posts_fts (posts_fts, rank) VALUES ('rank', 'bm25(1.0, 0.0)');

CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN
    INSERT INTO posts_fts (rowid, body, grp) VALUES (new.id, new.body, new.grp);
END;
CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN
    INSERT INTO posts_fts (posts_fts, rowid, body, grp) VALUES ('delete', old.id, old.body, old.grp);
END;
CREATE TRIGGER posts_fts_update AFTER UPDATE OF text, edited_text, deleted_by ON posts BEGIN
    INSERT INTO posts_fts (posts_fts, rowid, body, grp) VALUES ('delete', old.id, old.body, old.grp);
    INSERT INTO posts_fts (rowid, body, grp) VALUES (new.id, new.body, new.grp);
END;

INSERT INTO posts_fts (posts_fts) VALUES ('rebuild');
