-- Coterie store, schema version 5.
-- Channels, threads and pins. Every post belongs to a channel (16-byte id; General is 16
-- zero bytes, where every earlier post goes), may be a reply in a thread (thread_root, the
-- root's message id), and a forum topic has a title and tags. by_admin records whether the
-- sender was an admin when the post was received: a member's top-level post in an
-- announcements channel stays stored but is shown as rejected (the channel's definition
-- may arrive after the post).
-- Per channel the store keeps the admin-signed definition (the newest by sent time, then
-- message id) and local state: muted, the last read post row, unread and mention counters.
-- groups.unread is the sum of the unmuted channels' counters.

ALTER TABLE posts ADD COLUMN channel_id BLOB NOT NULL DEFAULT x'00000000000000000000000000000000';
ALTER TABLE posts ADD COLUMN thread_root BLOB;
ALTER TABLE posts ADD COLUMN title TEXT;
ALTER TABLE posts ADD COLUMN tags TEXT NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN by_admin INTEGER NOT NULL DEFAULT 0;

-- a channel's timeline (top-level posts) and a thread's replies, keyset-paged like posts_page
CREATE INDEX posts_channel_page ON posts (group_id, channel_id, sent_time, seq, id)
    WHERE thread_root IS NULL;
CREATE INDEX posts_thread_page ON posts (group_id, thread_root, sent_time, seq, id)
    WHERE thread_root IS NOT NULL;
CREATE INDEX posts_titles ON posts (group_id, channel_id) WHERE title IS NOT NULL;

CREATE TABLE channels (
    group_id  BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    id        BLOB    NOT NULL,
    defined   INTEGER NOT NULL DEFAULT 0,   -- 0: posts seen, definition not (yet) arrived
    kind      TEXT    NOT NULL DEFAULT 'chat' CHECK (kind IN ('chat', 'forum', 'announcements')),
    name      TEXT    NOT NULL DEFAULT '',
    topic     TEXT    NOT NULL DEFAULT '',
    position  INTEGER NOT NULL DEFAULT 0,
    archived  INTEGER NOT NULL DEFAULT 0,
    tags      TEXT    NOT NULL DEFAULT '',  -- newline-separated, sorted
    def_time  INTEGER NOT NULL DEFAULT 0,
    def_msg   BLOB    NOT NULL DEFAULT x'',
    def_by    BLOB,
    muted     INTEGER NOT NULL DEFAULT 0,
    last_read INTEGER NOT NULL DEFAULT 0,   -- posts.id of the newest post read
    unread    INTEGER NOT NULL DEFAULT 0,
    mentions  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (group_id, id)
) WITHOUT ROWID;

INSERT INTO channels (group_id, id, defined, name, unread, last_read)
    SELECT g.id, x'00000000000000000000000000000000', 1, 'General', g.unread,
           CASE WHEN g.unread = 0 THEN coalesce((SELECT max(p.id) FROM posts p
                                                WHERE p.group_id = g.id), 0) ELSE 0 END
    FROM groups g;

CREATE TABLE threads (
    group_id  BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    root      BLOB    NOT NULL,
    following INTEGER NOT NULL DEFAULT 0,
    last_read INTEGER NOT NULL DEFAULT 0,   -- posts.id of the newest reply read
    PRIMARY KEY (group_id, root)
) WITHOUT ROWID;

CREATE TABLE pins (
    group_id   BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    channel_id BLOB    NOT NULL,
    target     BLOB    NOT NULL,
    pinned     INTEGER NOT NULL,
    by_ik      BLOB    NOT NULL,
    time       INTEGER NOT NULL,
    msg_id     BLOB    NOT NULL,
    PRIMARY KEY (group_id, channel_id, target)
) WITHOUT ROWID;
