-- Times are Unix milliseconds (UTC). Booleans are 0/1.
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE key_packs (
    id                TEXT PRIMARY KEY,
    program           TEXT NOT NULL,
    product_version   INTEGER NOT NULL,
    cal_type          INTEGER NOT NULL,
    total             INTEGER NOT NULL CHECK (total > 0),
    issued            INTEGER NOT NULL DEFAULT 0 CHECK (issued >= 0 AND issued <= total),
    expires_at        INTEGER NULL,
    description       TEXT NOT NULL,
    clearinghouse     TEXT NOT NULL,
    license_server    TEXT NOT NULL,
    program_reference TEXT NOT NULL,
    signed_at         INTEGER NOT NULL,
    installed_at      INTEGER NOT NULL,
    document          TEXT NOT NULL
);

CREATE TABLE issued_cals (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    cal_type        INTEGER NOT NULL,
    status          INTEGER NOT NULL,
    product_version INTEGER NOT NULL,
    key_pack_id     TEXT NULL REFERENCES key_packs (id),
    is_temporary    INTEGER NOT NULL,
    over_used       INTEGER NOT NULL,
    validated       INTEGER NOT NULL,
    holds_slot      INTEGER NOT NULL,
    hardware_id     TEXT NULL,
    client_name     TEXT NOT NULL,
    user_name       TEXT NULL COLLATE NOCASE,
    host_name       TEXT NOT NULL,
    issued_at       INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    revoked_at      INTEGER NULL,
    CHECK (holds_slot = 0 OR key_pack_id IS NOT NULL)
);
CREATE INDEX ix_issued_cals_hardware ON issued_cals (hardware_id) WHERE hardware_id IS NOT NULL;
CREATE INDEX ix_issued_cals_user ON issued_cals (user_name) WHERE user_name IS NOT NULL;
CREATE INDEX ix_issued_cals_slot_expiry ON issued_cals (expires_at) WHERE holds_slot = 1;
CREATE INDEX ix_issued_cals_live_expiry ON issued_cals (status, expires_at);
CREATE INDEX ix_issued_cals_pack ON issued_cals (key_pack_id) WHERE key_pack_id IS NOT NULL;

CREATE TABLE events (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    at           INTEGER NOT NULL,
    event_id     INTEGER NOT NULL,
    level        INTEGER NOT NULL,
    message      TEXT NOT NULL,
    session_host TEXT NULL,
    device       TEXT NULL,
    user_name    TEXT NULL,
    cal_id       INTEGER NULL
);
CREATE INDEX ix_events_event_id ON events (event_id);

CREATE TABLE session_hosts (
    name              TEXT PRIMARY KEY COLLATE NOCASE,
    token_hash        TEXT NOT NULL UNIQUE,
    in_security_group INTEGER NOT NULL,
    enrolled_at       INTEGER NOT NULL,
    last_seen_at      INTEGER NULL
);

CREATE TABLE admin_credentials (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL UNIQUE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE reports (
    id         TEXT PRIMARY KEY,
    type       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    scope      TEXT NOT NULL,
    summary    TEXT NOT NULL,
    csv        TEXT NOT NULL
);
