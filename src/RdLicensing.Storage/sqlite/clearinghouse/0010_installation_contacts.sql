-- Clone detection for plain file copies: every signed request of a license server installation carries its contact number
-- (kept in its database, advanced before each contact). Each number is good once per installation, as a nonce is per request:
-- two live copies of one database use the same numbers, and the second use of one is refused (clone-detected). Recorded by
-- the transaction the request authorised, so a refused request leaves none.
CREATE TABLE installation_contacts (
    product_id      TEXT NOT NULL,
    installation_id TEXT NOT NULL,
    contact         INTEGER NOT NULL,
    used_at         INTEGER NOT NULL,
    PRIMARY KEY (product_id, installation_id, contact)
);
