-- The newest verified revocation list (X.509 CRL, base64 DER) of each license server identity, as the server signed it: the host
-- verifies it again with the learned key when it loads it. number only grows.
CREATE TABLE revocation_lists (
    product_id  TEXT PRIMARY KEY,
    number      INTEGER NOT NULL,
    this_update INTEGER NOT NULL,
    next_update INTEGER NOT NULL,
    list        TEXT NOT NULL,
    stored_at   INTEGER NOT NULL
);

-- Each license server URL's last revocation list fetch: when it was tried, when it last succeeded (and with which number), and
-- why the last attempt failed, for status and the diagnoser.
CREATE TABLE revocation_syncs (
    url          TEXT PRIMARY KEY,
    attempted_at INTEGER NOT NULL,
    synced_at    INTEGER NULL,
    number       INTEGER NULL,
    problem      TEXT NULL
);
