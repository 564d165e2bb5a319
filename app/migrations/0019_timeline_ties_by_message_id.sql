-- Coterie store, schema version 19.
-- The timeline is ordered by (sent_time, seq, msg_id): posts of different senders sent in
-- the same second with equal sequence numbers are put in message-id order, so every
-- member's client shows them in the same order, whatever order the relay delivered them
-- in (the local row id broke those ties before). Paging is keyset on the same key.

DROP INDEX posts_page;
DROP INDEX posts_channel_page;
DROP INDEX posts_thread_page;
CREATE INDEX posts_page ON posts (group_id, sent_time, seq, msg_id);
CREATE INDEX posts_channel_page ON posts (group_id, channel_id, sent_time, seq, msg_id)
    WHERE thread_root IS NULL;
CREATE INDEX posts_thread_page ON posts (group_id, thread_root, sent_time, seq, msg_id)
    WHERE thread_root IS NOT NULL;
