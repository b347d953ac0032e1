-- What the Licensing Manager dashboard draws over time.
-- pool_levels: each pool's total and issued licenses at the end of each day something changed (day = UTC days since 1970).
CREATE TABLE pool_levels (
    day             INTEGER NOT NULL,
    cal_type        INTEGER NOT NULL,
    product_version INTEGER NOT NULL,
    total           INTEGER NOT NULL,
    issued          INTEGER NOT NULL,
    PRIMARY KEY (day, cal_type, product_version)
);

-- Why a connection was denied (events 5004 and 4141), so denials can be counted per reason.
ALTER TABLE events ADD COLUMN reason TEXT NULL;
CREATE INDEX ix_events_at ON events (at);

-- When each session host's licensing grace period ends, as the host last reported it with a CAL request.
ALTER TABLE session_hosts ADD COLUMN grace_ends_at INTEGER NULL;
