-- As sqlite/migrations 0006: each host's revocation list sync, and its anchored grace period start (never moved forward).
ALTER TABLE session_hosts ADD COLUMN revocations_synced_at BIGINT NULL;
ALTER TABLE session_hosts ADD COLUMN revocation_list_number BIGINT NULL;
ALTER TABLE session_hosts ADD COLUMN grace_started_at BIGINT NULL;
ALTER TABLE session_hosts ADD COLUMN grace_moved_at BIGINT NULL;
UPDATE session_hosts SET grace_started_at = grace_ends_at - 10368000000 WHERE grace_ends_at IS NOT NULL;
