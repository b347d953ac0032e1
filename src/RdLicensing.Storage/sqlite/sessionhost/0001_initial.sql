-- The session host's database. Times are Unix milliseconds (UTC); versions are the Core ProductVersion values.
-- The file holds enrollment tokens as given, so the host creates it owner-only (0600).
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The host's credential (rdlh_…) for each license server, stored as given: the host must present it.
CREATE TABLE license_server_tokens (
    url         TEXT PRIMARY KEY,
    token       TEXT NOT NULL,
    enrolled_at INTEGER NOT NULL
);

-- License server public keys (DER SubjectPublicKeyInfo, base64) learned from the servers, so presented CALs are
-- verified without asking anyone. Keyed by Product ID (derived from the key); url is where it was last seen.
CREATE TABLE license_server_keys (
    product_id      TEXT PRIMARY KEY,
    url             TEXT NOT NULL,
    product_version INTEGER NOT NULL,
    public_key      TEXT NOT NULL,
    learned_at      INTEGER NOT NULL
);

-- Client and administrative sessions; open while ended_at is NULL.
CREATE TABLE sessions (
    id               TEXT PRIMARY KEY,
    administrative   INTEGER NOT NULL,
    client_name      TEXT NOT NULL,
    hardware_id      TEXT NULL,
    user_name        TEXT NULL,
    outcome          TEXT NOT NULL,
    license_server   TEXT NULL,
    cal_temporary    INTEGER NOT NULL DEFAULT 0,
    cal_validated    INTEGER NOT NULL DEFAULT 0,
    signed_in        INTEGER NOT NULL DEFAULT 0,
    started_at       INTEGER NOT NULL,
    last_activity_at INTEGER NOT NULL,
    ended_at         INTEGER NULL,
    end_reason       TEXT NULL
);
CREATE INDEX ix_sessions_open ON sessions (administrative, ended_at);

CREATE TABLE events (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    at             INTEGER NOT NULL,
    event_id       INTEGER NOT NULL,
    level          INTEGER NOT NULL,
    message        TEXT NOT NULL,
    device         TEXT NULL,
    user_name      TEXT NULL,
    license_server TEXT NULL
);
CREATE INDEX ix_events_event_id ON events (event_id);
