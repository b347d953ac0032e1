-- As sqlite/migrations 0007: Licensing Manager console sessions, one row per signed-in cookie; sign-out deletes it.
CREATE TABLE console_sessions (
    id         TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX ix_console_sessions_expiry ON console_sessions (expires_at);
