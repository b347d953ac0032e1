-- Convert Licenses. A conversion reduces the source install's quantity by what was converted and records a new install of
-- the other CAL type; when the whole pack is converted the source becomes 'converted' (moved_to names the new pack). So the
-- installs table always says what a license server holds, and reissue signs exactly that.
-- SQLite cannot change a CHECK constraint in place: the table is rebuilt with 'converted' allowed.
CREATE TABLE installs_new (
    key_pack_id     TEXT PRIMARY KEY,
    product_id      TEXT NOT NULL,
    program         TEXT NOT NULL,
    identifier      TEXT NOT NULL,
    product_version INTEGER NOT NULL,
    cal_type        INTEGER NOT NULL,
    quantity        INTEGER NOT NULL CHECK (quantity > 0),
    expires_at      INTEGER NULL,
    description     TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('active', 'moved', 'removed', 'converted')),
    installed_at    INTEGER NOT NULL,
    moved_to        TEXT NULL
);
INSERT INTO installs_new (key_pack_id, product_id, program, identifier, product_version, cal_type, quantity, expires_at, description, status, installed_at, moved_to)
SELECT key_pack_id, product_id, program, identifier, product_version, cal_type, quantity, expires_at, description, status, installed_at, moved_to FROM installs;
DROP TABLE installs;
ALTER TABLE installs_new RENAME TO installs;
CREATE INDEX ix_installs_product ON installs (product_id, status);

-- Every conversion, for support and the vendor: which pack, how many, from which type to which, and what the source held before.
CREATE TABLE conversions (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id             TEXT NOT NULL,
    source_key_pack_id     TEXT NOT NULL,
    converted_key_pack_id  TEXT NOT NULL UNIQUE,
    product_version        INTEGER NOT NULL,
    from_cal_type          INTEGER NOT NULL,
    to_cal_type            INTEGER NOT NULL CHECK (to_cal_type <> from_cal_type),
    quantity               INTEGER NOT NULL CHECK (quantity > 0),
    source_quantity_before INTEGER NOT NULL CHECK (source_quantity_before >= quantity),
    converted_at           INTEGER NOT NULL
);
CREATE INDEX ix_conversions_source ON conversions (source_key_pack_id);
