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

-- Clone detection: when the installation recorded with the current key last proved itself, and the installations retired
-- when another installation took the identity over (reactivation "redeployed"): they are told so at their next contact.
ALTER TABLE license_server_keys ADD COLUMN last_contact_at INTEGER NULL;

CREATE TABLE retired_installations (
    product_id      TEXT NOT NULL,
    installation_id TEXT NOT NULL,
    retired_at      INTEGER NOT NULL,
    replaced_by     TEXT NOT NULL,
    PRIMARY KEY (product_id, installation_id)
);
