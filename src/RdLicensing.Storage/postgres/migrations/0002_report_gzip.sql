-- As sqlite/migrations 0003: reports are saved gzip-compressed in csv_gzip, written and read as a stream. New rows keep
-- csv = '' so the store's SQL is the same on both databases; rows saved before keep their csv text and a NULL csv_gzip.
ALTER TABLE reports ADD COLUMN csv_gzip BYTEA NULL;
-- Out of line and not compressed again: gzip output does not compress, so PostgreSQL's own attempt would only cost time.
ALTER TABLE reports ALTER COLUMN csv_gzip SET STORAGE EXTERNAL;
