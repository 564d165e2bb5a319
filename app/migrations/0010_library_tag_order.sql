-- Coterie store, schema version 10.
-- Concurrent tag edits of a library item converge: every client keeps, per item, the admin
-- edit that is last in the order (signed time, author, position among the author's
-- messages, message id), whatever order the edits arrive in, and the item shows its tags.
-- An edit that arrives before its item waits here for it. Items shared before this
-- version keep the tags they show.
CREATE TABLE library_tag_edits (
    group_id  BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    item_id   BLOB    NOT NULL,
    tags      TEXT    NOT NULL,             -- newline-separated
    sent_time INTEGER NOT NULL,
    author_ik BLOB    NOT NULL,
    seq       INTEGER NOT NULL,             -- (epoch << 32) | sequence number
    msg_id    BLOB    NOT NULL,
    PRIMARY KEY (group_id, item_id)
) WITHOUT ROWID;
