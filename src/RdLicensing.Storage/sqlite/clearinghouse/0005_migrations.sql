-- Migration moves, never copies. One row per key pack a migration took from a source license server.
-- kind 'live': the source itself signed the release (MigrateOut); its install became 'moved' at once, and the row waits for
--   the target's signed claim (MigrateIn), which creates the target's pack (new_key_pack_id, claimed_at). Only what a source
--   released to a target can be claimed by that target.
-- kind 'dead': the target proved the pack's purchase identifiers for a source that no longer functions; the target's pack is
--   created at once. notified_at records when the source, coming back, was told (its next signed request was refused once).
CREATE TABLE migrations (
    source_key_pack_id TEXT PRIMARY KEY,
    kind               TEXT NOT NULL CHECK (kind IN ('live', 'dead')),
    source_product_id  TEXT NOT NULL,
    target_product_id  TEXT NOT NULL,
    quantity           INTEGER NOT NULL CHECK (quantity > 0),
    recorded_at        INTEGER NOT NULL,
    new_key_pack_id    TEXT NULL,
    claimed_at         INTEGER NULL,
    notified_at        INTEGER NULL,
    CHECK ((new_key_pack_id IS NULL) = (claimed_at IS NULL))
);
CREATE INDEX ix_migrations_target ON migrations (target_product_id, source_product_id);
CREATE INDEX ix_migrations_source ON migrations (source_product_id, kind);
