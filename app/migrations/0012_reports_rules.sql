-- Coterie store, schema version 12.
-- Reports (kinds 39-40), the group's rules (kind 41) and first-post approval (kind 42).

-- The signed form of each post another member wrote (crypto.reports.evidence_of): what a
-- report hands the moderators so they can check who wrote it. Dropped with the post's text
-- when the post is deleted or removed.
CREATE TABLE post_evidence (
    group_id BLOB NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    msg_id   BLOB NOT NULL,
    evidence BLOB NOT NULL,
    PRIMARY KEY (group_id, msg_id)
) WITHOUT ROWID;

-- Reports this member filed (mine = 1) or could open as a moderator or admin.
CREATE TABLE reports (
    group_id    BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    report_id   BLOB    NOT NULL,
    msg_id      BLOB    NOT NULL,     -- the report's own message
    reporter_ik BLOB    NOT NULL,
    target_msg  BLOB    NOT NULL,     -- the reported post
    author_ik   BLOB    NOT NULL,     -- its author, as its signature proves
    post_sent   INTEGER NOT NULL,
    post_text   TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    text        TEXT    NOT NULL DEFAULT '',
    evidence    BLOB    NOT NULL,
    mine        INTEGER NOT NULL DEFAULT 0,
    sent_time   INTEGER NOT NULL,
    PRIMARY KEY (group_id, report_id)
) WITHOUT ROWID;

-- Resolutions of reports (from a moderator or admin; kept even when the report itself was
-- not readable here, so the reporter learns theirs was handled).
CREATE TABLE report_resolutions (
    group_id  BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    report_id BLOB    NOT NULL,
    actor_ik  BLOB    NOT NULL,
    outcome   TEXT    NOT NULL,
    sent_time INTEGER NOT NULL,
    msg_id    BLOB    NOT NULL,
    PRIMARY KEY (group_id, report_id, msg_id)
) WITHOUT ROWID;

-- Every rules text an admin set, in signed order; the last is in force.
CREATE TABLE group_rules (
    group_id  BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    msg_id    BLOB    NOT NULL,
    actor_ik  BLOB    NOT NULL,
    text      TEXT    NOT NULL,
    sent_time INTEGER NOT NULL,
    seq       INTEGER NOT NULL,
    PRIMARY KEY (group_id, msg_id)
) WITHOUT ROWID;
-- The rules version this member has seen (the rules-changed notice is shown once).
CREATE TABLE rules_seen (
    group_id BLOB NOT NULL PRIMARY KEY REFERENCES groups (id) ON DELETE CASCADE,
    msg_id   BLOB NOT NULL
) WITHOUT ROWID;

-- First-post approval: the settings flag, newcomers' posts held until a moderator decides,
-- and the decisions.
ALTER TABLE moderation_log ADD COLUMN approve_first INTEGER;
CREATE TABLE held_posts (
    group_id    BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    msg_id      BLOB    NOT NULL,
    sender_ik   BLOB    NOT NULL,
    sender_name TEXT    NOT NULL,
    sent_time   INTEGER NOT NULL,
    received_time INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    text        TEXT    NOT NULL,
    reply_to    BLOB,
    channel_id  BLOB    NOT NULL,
    thread_root BLOB,
    title       TEXT,
    tags        TEXT    NOT NULL DEFAULT '',
    mine        INTEGER NOT NULL DEFAULT 0,
    evidence    BLOB,
    PRIMARY KEY (group_id, msg_id)
) WITHOUT ROWID;
CREATE TABLE approvals (
    group_id   BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    target_msg BLOB    NOT NULL,
    actor_ik   BLOB    NOT NULL,
    approve    INTEGER NOT NULL,
    author_ik  BLOB,              -- the held post's author once known
    sent_time  INTEGER NOT NULL,
    PRIMARY KEY (group_id, target_msg)
) WITHOUT ROWID;
