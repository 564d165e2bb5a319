-- Coterie store, schema version 15.
-- A post's signed evidence (crypto.reports.evidence_of) is kept beside its row, keyed by the
-- post's row id. Rows are numbered in insertion order, so a backlog's evidence is appended
-- at the end of the table; keyed by (group, random message id) it was scattered over a
-- B-tree of ~830-byte rows, which doubled the store's cost per received post. A rebuild of
-- `posts` must keep its ids (as version 7 did). Deleting the post row deletes its evidence
-- (a trigger, not a foreign key: a table rebuild's DROP TABLE posts would cascade).
CREATE TABLE post_signed (
    post_id  INTEGER PRIMARY KEY,   -- posts.id
    evidence BLOB    NOT NULL
);

INSERT INTO post_signed (post_id, evidence)
    SELECT p.id, e.evidence FROM post_evidence e
    JOIN posts p ON p.group_id = e.group_id AND p.msg_id = e.msg_id
    ORDER BY p.id;

DROP TABLE post_evidence;

CREATE TRIGGER posts_signed_delete AFTER DELETE ON posts BEGIN
    DELETE FROM post_signed WHERE post_id = old.id;
END;
