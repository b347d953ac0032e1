-- The clearinghouse's database. Times are Unix milliseconds (UTC). Versions and CAL types are the Core
-- enum values (ProductVersion, CalType); programs are their short names ("retail", "enterprise", …).
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- One row per License Server ID issued. A Product ID has at most one 'active' row; earlier ones are 'superseded'.
CREATE TABLE activations (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id          TEXT NOT NULL,
    license_server_id   TEXT NOT NULL,
    serial              INTEGER NOT NULL UNIQUE,
    method              TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('active', 'superseded', 'deactivated')),
    first_name          TEXT NOT NULL,
    last_name           TEXT NOT NULL,
    company             TEXT NULL,
    country_region      TEXT NULL,
    email               TEXT NULL,
    organizational_unit TEXT NULL,
    address             TEXT NULL,
    city                TEXT NULL,
    state_province      TEXT NULL,
    postal_code         TEXT NULL,
    reason              TEXT NULL,
    activated_at        INTEGER NOT NULL,
    expires_at          INTEGER NOT NULL
);
CREATE INDEX ix_activations_product ON activations (product_id, status);
CREATE INDEX ix_activations_code ON activations (license_server_id);
CREATE UNIQUE INDEX ux_activations_one_active ON activations (product_id) WHERE status = 'active';

-- Retail license codes: each installs once (used_by_product_id is set by a guarded UPDATE).
CREATE TABLE retail_codes (
    code               TEXT PRIMARY KEY,
    product_version    INTEGER NOT NULL,
    cal_type           INTEGER NOT NULL,
    quantity           INTEGER NOT NULL CHECK (quantity > 0),
    created_at         INTEGER NOT NULL,
    used_by_product_id TEXT NULL,
    used_at            INTEGER NULL,
    CHECK ((used_by_product_id IS NULL) = (used_at IS NULL))
);

CREATE TABLE open_licenses (
    license_number       TEXT PRIMARY KEY,
    authorization_number TEXT NOT NULL,
    product_version      INTEGER NOT NULL,
    cal_type             INTEGER NOT NULL,
    quantity             INTEGER NOT NULL CHECK (quantity > 0),
    created_at           INTEGER NOT NULL,
    used_by_product_id   TEXT NULL,
    used_at              INTEGER NULL,
    CHECK ((used_by_product_id IS NULL) = (used_at IS NULL))
);

-- Volume agreements (Select, Enterprise, Campus, School, SPLA, other): a 7-digit number, unique across programs.
CREATE TABLE agreements (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    program    TEXT NOT NULL,
    number     TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

-- What an agreement entitles, drawn down by installs; the CHECK makes an over-draw impossible.
CREATE TABLE entitlements (
    agreement_id    INTEGER NOT NULL REFERENCES agreements (id),
    product_version INTEGER NOT NULL,
    cal_type        INTEGER NOT NULL,
    quantity        INTEGER NOT NULL CHECK (quantity > 0),
    drawn           INTEGER NOT NULL DEFAULT 0 CHECK (drawn >= 0 AND drawn <= quantity),
    PRIMARY KEY (agreement_id, product_version, cal_type)
);

-- Every key pack granted to a license server: what reissue signs again and migration moves.
CREATE TABLE installs (
    key_pack_id     TEXT PRIMARY KEY,
    product_id      TEXT NOT NULL,
    program         TEXT NOT NULL,
    identifier      TEXT NOT NULL,
    product_version INTEGER NOT NULL,
    cal_type        INTEGER NOT NULL,
    quantity        INTEGER NOT NULL CHECK (quantity > 0),
    expires_at      INTEGER NULL,
    description     TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('active', 'moved', 'removed')),
    installed_at    INTEGER NOT NULL,
    moved_to        TEXT NULL
);
CREATE INDEX ix_installs_product ON installs (product_id, status);
