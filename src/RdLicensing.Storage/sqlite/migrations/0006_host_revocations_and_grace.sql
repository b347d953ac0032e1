-- Each session host's revocation list sync, as this server saw it: when it last fetched the list and which number it got.
ALTER TABLE session_hosts ADD COLUMN revocations_synced_at INTEGER NULL;
ALTER TABLE session_hosts ADD COLUMN revocation_list_number INTEGER NULL;
-- Each host's grace period start, anchored the first time this server learned it and never moved forward; and when the
-- host last reported a later start (its state was reset), for the dashboard's warning.
ALTER TABLE session_hosts ADD COLUMN grace_started_at INTEGER NULL;
ALTER TABLE session_hosts ADD COLUMN grace_moved_at INTEGER NULL;
UPDATE session_hosts SET grace_started_at = grace_ends_at - 10368000000 WHERE grace_ends_at IS NOT NULL;
