-- Coterie store, schema version 2.
-- Edits and deletes that arrive before their post now remember who sent them, and whether
-- the delete is an admin's removal: once the post lands, an edit or an own-post delete is
-- applied only when its author is the post's sender. Unattributed rows from version 1
-- cannot be checked, so they are dropped.

CREATE TABLE pending_changes_v2 (
    id       INTEGER PRIMARY KEY,
    group_id BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    target   BLOB    NOT NULL,
    kind     TEXT    NOT NULL CHECK (kind IN ('edit', 'delete', 'admin_delete')),
    author   BLOB    NOT NULL,
    text     TEXT,
    time     INTEGER NOT NULL
);
INSERT INTO pending_changes_v2 (id, group_id, target, kind, author, text, time)
    SELECT id, group_id, target, kind, author, text, time FROM pending_changes
    WHERE author IS NOT NULL;
DROP TABLE pending_changes;
ALTER TABLE pending_changes_v2 RENAME TO pending_changes;
CREATE INDEX pending_changes_target ON pending_changes (group_id, target);
