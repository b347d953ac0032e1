-- The sweep that returns licenses of ended CALs runs before CAL decisions (at most once a second) and periodically. A Per
-- User CAL keeps its license for 90 days from issue even after it expires, so "holds a license and has expired" matched
-- every such CAL on every sweep (2% of the CALs at the bench's seed), each read from the table. Each kind of CAL now has
-- the index that finds only the ones due: Per Device by expiry, Per User by issue date.
CREATE INDEX ix_issued_cals_slot_device_due ON issued_cals (expires_at) WHERE holds_slot = 1 AND cal_type = 0;
CREATE INDEX ix_issued_cals_slot_user_due ON issued_cals (issued_at) WHERE holds_slot = 1 AND cal_type = 1;
-- The index they replace served only that sweep; left beside them, PostgreSQL's planner still chose it (its estimates
-- cannot tell the two partial indexes apart) and read 20,000 rows at 1,000,000 CALs to free none.
DROP INDEX ix_issued_cals_slot_expiry;
