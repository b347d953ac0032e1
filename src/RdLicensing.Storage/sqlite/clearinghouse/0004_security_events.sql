-- What the clearinghouse refused because a request for a license server did not prove itself (no or a bad RdLicensing-Proof
-- header, another key, a retired key, a replayed proof, a second installation of one identity): one row per attempt, for the
-- vendor to see who tries to act for servers that are not theirs.
CREATE TABLE server_security_events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at     INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    product_id      TEXT NULL,
    installation_id TEXT NULL,
    address         TEXT NULL,
    path            TEXT NOT NULL,
    detail          TEXT NOT NULL
);
CREATE INDEX ix_server_security_events_product ON server_security_events (product_id, occurred_at);
