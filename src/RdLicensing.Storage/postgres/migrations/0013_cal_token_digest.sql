-- The digest of the last CAL token this server signed for a CAL (CalTokenDigest: HMAC-SHA256 of the token, keyed by the
-- signing key). A device presenting that token is known by it, without an ECDSA signature check, after a restart and on
-- every node. NULL until a node records one (rows from before this migration, or whose digest was not written): the
-- signature is then checked as before, and the digest recorded.
ALTER TABLE issued_cals ADD COLUMN token_digest BYTEA NULL;
