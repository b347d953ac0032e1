-- Reports are saved gzip-compressed: a CAL Usage report over a million CALs is some 200 MB of CSV as text and about a sixth
-- of that compressed, and the server writes and reads it as a stream rather than holding it in memory.
-- New rows keep csv = '' (SQLite cannot drop the column's NOT NULL without rebuilding the table); rows saved before
-- this migration keep their csv text and a NULL csv_gzip, and still download.
ALTER TABLE reports ADD COLUMN csv_gzip BLOB NULL;
