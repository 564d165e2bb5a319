-- Coterie store, schema version 8.
-- The moderation log: every moderation payload (content kinds 32-37) a moderator or admin
-- signed and every member's client accepted (crypto checked the role), in the order
-- (sent_time, actor_ik, seq). Timeouts, bans, slow mode and locks are computed from it.
CREATE TABLE moderation_log (
    group_id   BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    msg_id     BLOB    NOT NULL,
    actor_ik   BLOB    NOT NULL,
    action     TEXT    NOT NULL CHECK (action IN ('remove', 'timeout', 'lift', 'ban', 'unban',
                                                  'channel', 'settings')),
    target_ik  BLOB,              -- the member acted on (the removed post's author for remove)
    target_msg BLOB,              -- the removed post
    channel_id BLOB,              -- channel rules
    until      INTEGER,           -- timeouts
    slowmode   INTEGER,           -- channel rules: seconds between a member's posts, 0 = off
    locked     INTEGER,           -- channel rules
    quiet      INTEGER,           -- settings: moderation lines hidden from the conversation
    newcomer_days INTEGER,        -- settings: days a new member cannot post links, mass
                                  -- mentions or files (0 = off)
    reason     TEXT    NOT NULL DEFAULT '',
    sent_time  INTEGER NOT NULL,
    seq        INTEGER NOT NULL,
    PRIMARY KEY (group_id, msg_id)
) WITHOUT ROWID;
CREATE INDEX moderation_order ON moderation_log (group_id, sent_time, actor_ik, seq);

-- Messages every client refuses by the rules (timeouts, locks, slow mode), counted per
-- sender so the moderation log can say how many were refused.
CREATE TABLE moderation_refused (
    group_id  BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    msg_id    BLOB    NOT NULL,
    sender_ik BLOB    NOT NULL,
    reason    TEXT    NOT NULL,
    sent_time INTEGER NOT NULL,
    PRIMARY KEY (group_id, msg_id)
) WITHOUT ROWID;
