-- Coterie store, schema version 11.
-- Per-group profiles (content kind 43): each member's newest profile in their own write
-- order (pos = epoch << 32 | seq), as every member's client received it. The avatar is the
-- JPEG the member sent, kept only when its header passed the receiver's checks.
CREATE TABLE member_profiles (
    group_id   BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    member_ik  BLOB    NOT NULL,
    msg_id     BLOB    NOT NULL,
    pos        INTEGER NOT NULL,
    sent_time  INTEGER NOT NULL,
    name       TEXT    NOT NULL DEFAULT '',
    pronouns   TEXT    NOT NULL DEFAULT '',
    bio        TEXT    NOT NULL DEFAULT '',
    timezone   TEXT    NOT NULL DEFAULT '',
    avatar     BLOB,
    PRIMARY KEY (group_id, member_ik)
) WITHOUT ROWID;

-- Badges granted and revoked by admins (content kind 44; crypto checked the role): the
-- state of a (member, title) is its last entry in the order (sent_time, actor_ik, pos).
CREATE TABLE badge_log (
    group_id   BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    msg_id     BLOB    NOT NULL,
    actor_ik   BLOB    NOT NULL,
    member_ik  BLOB    NOT NULL,
    title      TEXT    NOT NULL,
    granted    INTEGER NOT NULL,
    sent_time  INTEGER NOT NULL,
    pos        INTEGER NOT NULL,
    PRIMARY KEY (group_id, msg_id)
) WITHOUT ROWID;
CREATE INDEX badge_order ON badge_log (group_id, sent_time, actor_ik, pos);
-- automatic badges count posts and reactions per sender
CREATE INDEX posts_by_sender ON posts (group_id, sender_ik);
