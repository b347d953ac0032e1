-- One list of security events for the vendor: the refused attempts to act for a license server without its proof
-- (server_security_events, one row per attempt) join the lock-outs after too many unrecognized identifiers
-- (security_events, one row per lock-out) in security_events, which gains the installation that signed. Existing rows are
-- moved (their route is the method and path, as the lock-outs' is), and the old table is dropped. Listed newest first by
-- occurred_at, then id: GET /api/admin/security-events, `rdlic clearinghouse events`.
ALTER TABLE security_events ADD COLUMN installation_id TEXT NULL;

INSERT INTO security_events (occurred_at, kind, client_address, product_id, installation_id, route, detail)
SELECT occurred_at, kind, address, product_id, installation_id, 'POST ' || path, detail
FROM server_security_events
ORDER BY occurred_at, id;

DROP TABLE server_security_events;

CREATE INDEX ix_security_events_product ON security_events (product_id, occurred_at);
