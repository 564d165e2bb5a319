-- Coterie store, schema version 17.
-- New posts reach the search index in one statement per stored batch
-- (app/store/posts.py insert_posts: INSERT INTO posts_fts ... SELECT the batch's new rows)
-- instead of through a trigger fired per row: the same index rows, in about half the time
-- per post (bench/bench_store.py). Edits, deletes and removals still go through their
-- triggers. Every code path that adds posts goes through insert_posts.
DROP TRIGGER posts_fts_insert;
