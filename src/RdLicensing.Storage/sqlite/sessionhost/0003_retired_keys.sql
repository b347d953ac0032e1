-- Keys a license server retired (a rotation: key compromised, certificate corrupt), learned at the host's hourly sync or with its
-- current key. A CAL such a key signed is not accepted by the host alone, and the host never again takes that key as the server's
-- current one. public_key is the DER SubjectPublicKeyInfo, base64.
CREATE TABLE license_server_retired_keys (
    product_id TEXT NOT NULL,
    public_key TEXT NOT NULL,
    retired_at INTEGER NOT NULL,
    reason     TEXT NOT NULL,
    learned_at INTEGER NOT NULL,
    PRIMARY KEY (product_id, public_key)
);
