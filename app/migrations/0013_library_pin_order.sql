-- Coterie store, schema version 13.
-- A concurrent pin and unpin of a library item converge: every client keeps, per item, the
-- admin pin or unpin that is last in the order (signed time, author, position among the
-- author's messages, message id), whatever order they arrive in (as tag edits, version 10).
-- One that arrives before its item waits here for it. Items pinned before this version
-- stay as they are until the next pin or unpin.
CREATE TABLE library_pin_edits (
    group_id  BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    item_id   BLOB    NOT NULL,
    pinned    INTEGER NOT NULL,             -- 1 pinned, 0 unpinned
    sent_time INTEGER NOT NULL,
    author_ik BLOB    NOT NULL,
    seq       INTEGER NOT NULL,             -- (epoch << 32) | sequence number
    msg_id    BLOB    NOT NULL,
    PRIMARY KEY (group_id, item_id)
) WITHOUT ROWID;
