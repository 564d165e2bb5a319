-- Coterie store, schema version 7.
-- Polls and events (content kinds 16-23). A poll or an event has a row in the timeline
-- (posts.kind 'poll' or 'calendar', its question or title as the text, so search finds it
-- and a hit jumps to it) and its own rows below. The posts table is rebuilt once to allow
-- the two new kinds; row ids are kept, so the search index stays as it is.

DROP TRIGGER posts_fts_insert;
DROP TRIGGER posts_fts_delete;
DROP TRIGGER posts_fts_update;
DROP INDEX posts_page;
DROP INDEX posts_channel_page;
DROP INDEX posts_thread_page;
DROP INDEX posts_titles;

CREATE TABLE posts_v5 (
    id            INTEGER PRIMARY KEY,
    group_id      BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    msg_id        BLOB    NOT NULL,
    sender_ik     BLOB    NOT NULL,
    sender_name   TEXT    NOT NULL,
    sent_time     INTEGER NOT NULL,
    received_time INTEGER NOT NULL,
    seq           INTEGER NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('post', 'unsupported', 'poll', 'calendar')),
    text          TEXT,
    reply_to      BLOB,
    edited        INTEGER NOT NULL DEFAULT 0,
    edited_text   TEXT,
    edited_time   INTEGER,
    deleted_by    BLOB,
    deleted_time  INTEGER,
    raw           BLOB,
    mine          INTEGER NOT NULL DEFAULT 0,
    body          TEXT GENERATED ALWAYS AS (
                      CASE WHEN deleted_by IS NULL THEN coalesce(edited_text, text) END
                  ) VIRTUAL,
    grp           TEXT GENERATED ALWAYS AS (lower(hex(group_id))) VIRTUAL,
    channel_id    BLOB    NOT NULL DEFAULT x'00000000000000000000000000000000',
    thread_root   BLOB,
    title         TEXT,
    tags          TEXT    NOT NULL DEFAULT '',
    by_admin      INTEGER NOT NULL DEFAULT 0,
    UNIQUE (group_id, msg_id)
);
INSERT INTO posts_v5 (id, group_id, msg_id, sender_ik, sender_name, sent_time, received_time,
                      seq, kind, text, reply_to, edited, edited_text, edited_time, deleted_by,
                      deleted_time, raw, mine, channel_id, thread_root, title, tags, by_admin)
    SELECT id, group_id, msg_id, sender_ik, sender_name, sent_time, received_time, seq, kind,
           text, reply_to, edited, edited_text, edited_time, deleted_by, deleted_time, raw, mine,
           channel_id, thread_root, title, tags, by_admin
    FROM posts;
DROP TABLE posts;
ALTER TABLE posts_v5 RENAME TO posts;
CREATE INDEX posts_page ON posts (group_id, sent_time, seq, id);
CREATE INDEX posts_channel_page ON posts (group_id, channel_id, sent_time, seq, id)
    WHERE thread_root IS NULL;
CREATE INDEX posts_thread_page ON posts (group_id, thread_root, sent_time, seq, id)
    WHERE thread_root IS NOT NULL;
CREATE INDEX posts_titles ON posts (group_id, channel_id) WHERE title IS NOT NULL;

CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN
    INSERT INTO posts_fts (rowid, body, grp) VALUES (new.id, new.body, new.grp);
END;
CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN
    INSERT INTO posts_fts (posts_fts, rowid, body, grp) VALUES ('delete', old.id, old.body, old.grp);
END;
CREATE TRIGGER posts_fts_update AFTER UPDATE OF text, edited_text, deleted_by ON posts BEGIN
    INSERT INTO posts_fts (posts_fts, rowid, body, grp) VALUES ('delete', old.id, old.body, old.grp);
    INSERT INTO posts_fts (rowid, body, grp) VALUES (new.id, new.body, new.grp);
END;

-- A poll as its creator wrote it. `ballot_secret` (anonymous polls) exists only on the
-- creator's device. The tally_* columns hold the latest verified tally of an anonymous poll.
CREATE TABLE polls (
    group_id      BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    poll_id       BLOB    NOT NULL,
    creator_ik    BLOB    NOT NULL,
    channel       BLOB    NOT NULL,
    question      TEXT    NOT NULL,
    options       TEXT    NOT NULL,            -- JSON array of the option texts
    multi         INTEGER NOT NULL,
    anonymous     INTEGER NOT NULL,
    closes_at     INTEGER NOT NULL,            -- 0: closed only by hand
    created       INTEGER NOT NULL,
    ballot_key    BLOB,
    ballot_secret BLOB,
    tally_seq     INTEGER,
    tally_closed  INTEGER,
    tally_voters  INTEGER,
    tally_counts  TEXT,                        -- JSON array
    PRIMARY KEY (group_id, poll_id)
) WITHOUT ROWID;

-- Every vote received, in the voter's own order (epoch, seq); early ones wait for their poll.
CREATE TABLE poll_votes (
    group_id  BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    poll_id   BLOB    NOT NULL,
    voter_ik  BLOB    NOT NULL,
    epoch     INTEGER NOT NULL,
    seq       INTEGER NOT NULL,
    sent_time INTEGER NOT NULL,
    choices   INTEGER NOT NULL,
    PRIMARY KEY (group_id, poll_id, voter_ik, epoch, seq)
) WITHOUT ROWID;

-- Each voter's counted ballot (their latest valid vote); what results are read from.
CREATE TABLE poll_ballots (
    group_id BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    poll_id  BLOB    NOT NULL,
    voter_ik BLOB    NOT NULL,
    epoch    INTEGER NOT NULL,
    seq      INTEGER NOT NULL,
    choices  INTEGER NOT NULL,
    PRIMARY KEY (group_id, poll_id, voter_ik)
) WITHOUT ROWID;

-- Closes by the creator or an admin (`admin` was checked when it arrived).
CREATE TABLE poll_closes (
    group_id  BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    poll_id   BLOB    NOT NULL,
    closer_ik BLOB    NOT NULL,
    admin     INTEGER NOT NULL,
    sent_time INTEGER NOT NULL,
    PRIMARY KEY (group_id, poll_id, closer_ik, sent_time)
) WITHOUT ROWID;

-- Tallies of anonymous polls that arrived before their poll (verified when it lands).
CREATE TABLE poll_held_tallies (
    group_id  BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    poll_id   BLOB    NOT NULL,
    sender_ik BLOB    NOT NULL,
    payload   BLOB    NOT NULL,
    PRIMARY KEY (group_id, poll_id, sender_ik, payload)
) WITHOUT ROWID;

CREATE TABLE events (
    group_id    BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    event_id    BLOB    NOT NULL,
    creator_ik  BLOB    NOT NULL,
    channel     BLOB    NOT NULL,
    title       TEXT    NOT NULL,
    description TEXT    NOT NULL,
    place       TEXT    NOT NULL,
    tz          TEXT    NOT NULL,
    starts_at   INTEGER NOT NULL,
    ends_at     INTEGER NOT NULL,              -- 0: no end given
    cancelled   INTEGER NOT NULL DEFAULT 0,
    created     INTEGER NOT NULL,
    updated     INTEGER NOT NULL,              -- sent time of the update shown
    updated_seq INTEGER NOT NULL DEFAULT 0,
    reminded    INTEGER NOT NULL DEFAULT 0,    -- the desktop reminder was shown
    PRIMARY KEY (group_id, event_id)
) WITHOUT ROWID;
CREATE INDEX events_upcoming ON events (starts_at);

-- Updates from the creator or an admin whose event has not arrived yet.
CREATE TABLE event_held_updates (
    id        INTEGER PRIMARY KEY,
    group_id  BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    event_id  BLOB    NOT NULL,
    sender_ik BLOB    NOT NULL,
    admin     INTEGER NOT NULL,
    sent_time INTEGER NOT NULL,
    seq       INTEGER NOT NULL,
    payload   BLOB    NOT NULL
);
CREATE INDEX event_held_updates_event ON event_held_updates (group_id, event_id);

CREATE TABLE event_rsvps (
    group_id  BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    event_id  BLOB    NOT NULL,
    member_ik BLOB    NOT NULL,
    epoch     INTEGER NOT NULL,
    seq       INTEGER NOT NULL,
    answer    INTEGER NOT NULL,                -- 0 none (taken back), 1 going, 2 maybe, 3 no
    PRIMARY KEY (group_id, event_id, member_ik)
) WITHOUT ROWID;
