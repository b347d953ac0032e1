-- What the vendor should know about: a client address or a Product ID locked out after too many unrecognized
-- identifiers (guessed agreement or license numbers, License Server IDs that are not the server's). One row per lock-out,
-- not per request, so a flood cannot fill the database. Listed by GET /api/admin/security-events and
-- `rdlic clearinghouse events`.
CREATE TABLE security_events (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at    INTEGER NOT NULL,
    kind           TEXT NOT NULL,
    client_address TEXT NULL,
    product_id     TEXT NULL,
    route          TEXT NOT NULL,
    detail         TEXT NOT NULL
);
CREATE INDEX ix_security_events_time ON security_events (occurred_at);
