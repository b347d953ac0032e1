-- Proof of possession. The identity key of every license server the clearinghouse has heard from: recorded at its first
-- signed contact (the key its Product ID derives from), replaced only by a key rotation the old key signs or the vendor's
-- operator approves. Retired keys stay (retired_at set) so a request signed by one is named as such.
CREATE TABLE license_server_keys (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id      TEXT NOT NULL,
    public_key      BLOB NOT NULL,
    fingerprint     TEXT NOT NULL,
    installation_id TEXT NULL,
    recorded_at     INTEGER NOT NULL,
    retired_at      INTEGER NULL,
    retired_reason  TEXT NULL
);
CREATE UNIQUE INDEX ux_license_server_keys_current ON license_server_keys (product_id) WHERE retired_at IS NULL;
CREATE INDEX ix_license_server_keys_fingerprint ON license_server_keys (fingerprint);

-- Every proof (signed request or request code) is good once: its nonce is recorded by the transaction it authorised.
CREATE TABLE used_request_nonces (
    nonce      TEXT PRIMARY KEY,
    product_id TEXT NOT NULL,
    purpose    TEXT NOT NULL,
    used_at    INTEGER NOT NULL
);
