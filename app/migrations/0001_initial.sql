-- Coterie store, schema version 1.
-- Ids and protocol state are opaque BLOBs written by app/ (crypto/ serialises them); times
-- are unix seconds. Every query the app runs has an index below; posts are paged by
-- (group_id, sent_time, id), never by OFFSET.

CREATE TABLE identity (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    blob         BLOB    NOT NULL,
    display_name TEXT    NOT NULL,
    created      INTEGER NOT NULL
);

CREATE TABLE groups (
    id            BLOB    PRIMARY KEY,
    name          TEXT    NOT NULL,
    relay_url     TEXT    NOT NULL,
    my_role       TEXT    NOT NULL,
    state         BLOB    NOT NULL,
    created       INTEGER NOT NULL,
    last_activity INTEGER NOT NULL,
    muted         INTEGER NOT NULL DEFAULT 0,
    unread        INTEGER NOT NULL DEFAULT 0,
    removed       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX groups_activity ON groups (last_activity DESC);
CREATE INDEX groups_name ON groups (name);

CREATE TABLE members (
    group_id     BLOB NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    ik           BLOB NOT NULL,
    fingerprint  TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role         TEXT NOT NULL,
    PRIMARY KEY (group_id, ik)
) WITHOUT ROWID;

CREATE TABLE control_log (
    group_id   BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    entry_hash BLOB    NOT NULL,
    kind       TEXT    NOT NULL,
    author_ik  BLOB    NOT NULL,
    blob       BLOB    NOT NULL,
    created    INTEGER NOT NULL,
    PRIMARY KEY (group_id, seq)
) WITHOUT ROWID;

CREATE TABLE epochs (
    group_id BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    epoch    INTEGER NOT NULL,
    mailbox  BLOB    NOT NULL,
    blob     BLOB    NOT NULL,
    started  INTEGER NOT NULL,
    ended    INTEGER,
    PRIMARY KEY (group_id, epoch)
) WITHOUT ROWID;
CREATE INDEX epochs_mailbox ON epochs (mailbox);

CREATE TABLE posts (
    id            INTEGER PRIMARY KEY,
    group_id      BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    msg_id        BLOB    NOT NULL,
    sender_ik     BLOB    NOT NULL,
    sender_name   TEXT    NOT NULL,
    sent_time     INTEGER NOT NULL,
    received_time INTEGER NOT NULL,
    seq           INTEGER NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('post', 'unsupported')),
    text          TEXT,
    reply_to      BLOB,
    edited        INTEGER NOT NULL DEFAULT 0,
    edited_text   TEXT,
    edited_time   INTEGER,
    deleted_by    BLOB,
    deleted_time  INTEGER,
    raw           BLOB,
    mine          INTEGER NOT NULL DEFAULT 0,
    -- what search sees: the current text, nothing once deleted
    body          TEXT GENERATED ALWAYS AS (
                      CASE WHEN deleted_by IS NULL THEN coalesce(edited_text, text) END
                  ) VIRTUAL,
    UNIQUE (group_id, msg_id)
);
CREATE INDEX posts_page ON posts (group_id, sent_time, id);

-- External-content FTS over posts.body: the text is stored once, in posts.
CREATE VIRTUAL TABLE posts_fts USING fts5 (
    body,
    content = 'posts',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
-- Every post row has an FTS row (an empty one when body is NULL): the FTS5 integrity
-- check of an external-content table expects one per content row.
CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN
    INSERT INTO posts_fts (rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN
    INSERT INTO posts_fts (posts_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER posts_fts_update AFTER UPDATE OF text, edited_text, deleted_by ON posts BEGIN
    INSERT INTO posts_fts (posts_fts, rowid, body) VALUES ('delete', old.id, old.body);
    INSERT INTO posts_fts (rowid, body) VALUES (new.id, new.body);
END;

-- Keyed by target message id, not post row: a reaction may arrive before its post.
CREATE TABLE reactions (
    group_id   BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    target     BLOB    NOT NULL,
    reactor_ik BLOB    NOT NULL,
    emoji      TEXT    NOT NULL,
    time       INTEGER NOT NULL,
    PRIMARY KEY (group_id, target, reactor_ik, emoji)
) WITHOUT ROWID;

-- Edits and deletes whose target post is not stored yet; applied when it lands.
CREATE TABLE pending_changes (
    id       INTEGER PRIMARY KEY,
    group_id BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    target   BLOB    NOT NULL,
    kind     TEXT    NOT NULL CHECK (kind IN ('edit', 'delete')),
    author   BLOB,
    text     TEXT,
    time     INTEGER NOT NULL
);
CREATE INDEX pending_changes_target ON pending_changes (group_id, target);

CREATE TABLE warnings (
    id        INTEGER PRIMARY KEY,
    group_id  BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    kind      TEXT    NOT NULL,
    text      TEXT    NOT NULL,
    time      INTEGER NOT NULL,
    sender_ik BLOB,
    dismissed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX warnings_group ON warnings (group_id, dismissed, time);

CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    group_id     BLOB,
    relay_url    TEXT    NOT NULL,
    mailbox      BLOB    NOT NULL,
    capability   BLOB    NOT NULL,
    envelope     BLOB    NOT NULL,
    msg_id       BLOB,
    attempts     INTEGER NOT NULL DEFAULT 0,
    created      INTEGER NOT NULL,
    last_attempt INTEGER
);
CREATE INDEX outbox_mailbox ON outbox (mailbox, id);
CREATE INDEX outbox_msg ON outbox (msg_id) WHERE msg_id IS NOT NULL;
CREATE INDEX outbox_group ON outbox (group_id) WHERE group_id IS NOT NULL;

CREATE TABLE cursors (
    mailbox BLOB    PRIMARY KEY,
    cursor  INTEGER NOT NULL,
    updated INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE invites (
    id             BLOB    PRIMARY KEY,
    group_id       BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    link           TEXT    NOT NULL,
    secret         BLOB    NOT NULL,
    uses_total     INTEGER NOT NULL,
    uses_remaining INTEGER NOT NULL,
    created        INTEGER NOT NULL,
    expires        INTEGER NOT NULL,
    revoked        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX invites_group ON invites (group_id, created);

CREATE TABLE join_requests (
    id          BLOB    PRIMARY KEY,
    group_id    BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    invite_id   BLOB    NOT NULL,
    joiner_name TEXT    NOT NULL,
    fingerprint TEXT    NOT NULL,
    joiner_ik   BLOB    NOT NULL,
    raw         BLOB    NOT NULL,
    state       TEXT    NOT NULL CHECK (state IN ('pending', 'approved', 'declined')),
    received    INTEGER NOT NULL,
    decided     INTEGER
);
CREATE INDEX join_requests_state ON join_requests (state, group_id, received);

CREATE TABLE my_joins (
    id         BLOB    PRIMARY KEY,
    relay_url  TEXT    NOT NULL,
    group_name TEXT    NOT NULL,
    state      TEXT    NOT NULL,
    message    TEXT    NOT NULL,
    group_id   BLOB,
    blob       BLOB    NOT NULL,
    created    INTEGER NOT NULL,
    updated    INTEGER NOT NULL
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
