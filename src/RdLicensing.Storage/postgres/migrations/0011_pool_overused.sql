-- As sqlite/migrations 0012: each day's pool level also counts the pool's live OverUsed CALs.
ALTER TABLE pool_levels ADD COLUMN over_used BIGINT NOT NULL DEFAULT 0;
CREATE INDEX ix_issued_cals_overused ON issued_cals (cal_type, product_version) WHERE over_used = 1;
