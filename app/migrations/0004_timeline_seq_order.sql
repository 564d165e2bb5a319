-- Coterie store, schema version 4.
-- The timeline is ordered by (sent_time, seq, id): within one second a sender's posts keep
-- the order they were written (seq), whatever order the relay delivered them in across
-- fetches; the row id only breaks the remaining ties. Paging is keyset on the same key.

DROP INDEX posts_page;
CREATE INDEX posts_page ON posts (group_id, sent_time, seq, id);
