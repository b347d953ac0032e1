-- Licensing Manager console sessions: the sign-in cookie names one row, checked on every console request; sign-out
-- deletes it, so a copied cookie stops working at once (and on every node sharing the database). A session lasts at
-- most until expires_at however often it is used.
CREATE TABLE console_sessions (
    id         TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX ix_console_sessions_expiry ON console_sessions (expires_at);
