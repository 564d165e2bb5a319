-- Coterie store, schema version 6.
-- Files and the resource library. `files` holds one row per file of an attachment post
-- (sent or received): where its blob is, its key (the only copy of it outside signed
-- posts), its metadata and preview. `blob_cache` lists the encrypted blobs kept under the
-- profile's blobs/ folder (still encrypted; their keys are here) for least-recently-used
-- eviction. `uploads` and `upload_files` are the outbox of attachment posts: a row is
-- written, durably, before the first byte goes out, and the post is sealed (in the same
-- transaction that marks the upload sent) only once the relay holds every file.
-- `library` holds the signed library entries of each group.

CREATE TABLE files (
    group_id    BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    msg_id      BLOB    NOT NULL,
    idx         INTEGER NOT NULL,
    blob_id     BLOB    NOT NULL,
    file_key    BLOB    NOT NULL,
    blob_hash   BLOB    NOT NULL,
    size        INTEGER NOT NULL,
    media_type  TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    width       INTEGER NOT NULL DEFAULT 0,
    height      INTEGER NOT NULL DEFAULT 0,
    thumbnail   BLOB    NOT NULL DEFAULT x'',
    sender_ik   BLOB    NOT NULL,
    sent_time   INTEGER NOT NULL,
    channel_id  BLOB    NOT NULL,
    caption     TEXT    NOT NULL DEFAULT '',
    delete_seed BLOB,                        -- files I sent: the relay delete key's seed
    deleted     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (group_id, msg_id, idx)
) WITHOUT ROWID;
CREATE INDEX files_by_time ON files (group_id, sent_time);
CREATE INDEX files_by_blob ON files (blob_id);

CREATE TABLE blob_cache (
    blob_id  BLOB    PRIMARY KEY,
    size     INTEGER NOT NULL,
    used_at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX blob_cache_lru ON blob_cache (used_at);

CREATE TABLE uploads (
    id         INTEGER PRIMARY KEY,
    group_id   BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    caption    TEXT    NOT NULL DEFAULT '',
    channel_id BLOB    NOT NULL,
    reply_to   BLOB,
    state      TEXT    NOT NULL DEFAULT 'uploading'
               CHECK (state IN ('uploading', 'cancelled', 'sent')),
    msg_id     BLOB
);

CREATE TABLE upload_files (
    upload_id   INTEGER NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
    idx         INTEGER NOT NULL,
    blob_id     BLOB    NOT NULL,
    file_key    BLOB    NOT NULL,
    blob_hash   BLOB    NOT NULL,
    delete_seed BLOB    NOT NULL,
    size        INTEGER NOT NULL,
    media_type  TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    width       INTEGER NOT NULL DEFAULT 0,
    height      INTEGER NOT NULL DEFAULT 0,
    thumbnail   BLOB    NOT NULL DEFAULT x'',
    stored      INTEGER NOT NULL DEFAULT 0,   -- the relay holds every chunk
    PRIMARY KEY (upload_id, idx)
) WITHOUT ROWID;

CREATE TABLE library (
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
    PRIMARY KEY (group_id, item_id)
) WITHOUT ROWID;
