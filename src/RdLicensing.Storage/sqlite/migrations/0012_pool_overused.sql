-- The dashboard's pool chart draws OverUsed Per User CALs over time: each day's level also counts the pool's live
-- OverUsed CALs (earlier days had none recorded: 0). The partial index keeps that count cheap on every pool change.
ALTER TABLE pool_levels ADD COLUMN over_used INTEGER NOT NULL DEFAULT 0;
CREATE INDEX ix_issued_cals_overused ON issued_cals (cal_type, product_version) WHERE over_used = 1;
