-- Schema 16: an attachment's outbox row is written before its file is encrypted, so the
-- encryption and the upload overlap (app/files_upload.py). `source` is the file still being
-- encrypted into the outbox; it is cleared, together with `blob_hash` being set, once the
-- encrypted copy is complete and durable. A row that still names a source after a crash is
-- encrypted again from that file (with a new blob id and key) when the upload resumes.
ALTER TABLE upload_files ADD COLUMN source TEXT;
