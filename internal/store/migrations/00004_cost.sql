-- FinOps: every import of a FOCUS billing file, the daily cost rollups
-- it produced (allocated to team, service and environment, or shown as
-- unallocated), the resource-level detail of unallocated spend, and the
-- shares of shared costs split across teams. Raw billing rows are not
-- kept: the rollups are what every report reads.

-- +goose Up
CREATE TABLE cost_imports (
    id             TEXT PRIMARY KEY,
    file           TEXT NOT NULL,
    checksum       TEXT NOT NULL,
    focus_version  TEXT NOT NULL,
    imported_by    TEXT NOT NULL DEFAULT '',
    imported_at    BIGINT NOT NULL,
    rows_read      BIGINT NOT NULL,
    rows_imported  BIGINT NOT NULL,
    rows_rejected  BIGINT NOT NULL,
    -- JSON: the rejected lines (first 1,000), totals by currency, the
    -- billing periods covered (provider, account, month), what was
    -- normalised, and the imports this one replaced.
    rejected_lines TEXT NOT NULL DEFAULT '[]',
    totals         TEXT NOT NULL DEFAULT '{}',
    periods        TEXT NOT NULL DEFAULT '[]',
    normalised     TEXT NOT NULL DEFAULT '{}',
    replaced       TEXT NOT NULL DEFAULT '[]',
    coverage       DOUBLE PRECISION NOT NULL DEFAULT 0
);

-- A billing period of one provider's billing account belongs to the
-- import that last brought it: re-importing it replaces it.
CREATE TABLE cost_periods (
    provider        TEXT NOT NULL,
    billing_account TEXT NOT NULL,
    period          TEXT NOT NULL,
    import_id       TEXT NOT NULL,
    PRIMARY KEY (provider, billing_account, period)
);

CREATE TABLE cost_daily (
    provider         TEXT NOT NULL,
    billing_account  TEXT NOT NULL,
    period           TEXT NOT NULL,
    day              TEXT NOT NULL,
    month            TEXT NOT NULL,
    team             TEXT NOT NULL,
    service          TEXT NOT NULL,
    environment      TEXT NOT NULL,
    -- how the owner was found: tag, account, rule, shared:<rule>, or
    -- unallocated
    allocation       TEXT NOT NULL,
    sub_account      TEXT NOT NULL,
    service_name     TEXT NOT NULL,
    service_category TEXT NOT NULL,
    charge_category  TEXT NOT NULL,
    currency         TEXT NOT NULL,
    billed_cost      DOUBLE PRECISION NOT NULL,
    effective_cost   DOUBLE PRECISION NOT NULL,
    list_cost        DOUBLE PRECISION NOT NULL,
    charges          BIGINT NOT NULL
);
CREATE INDEX cost_daily_month_team ON cost_daily (month, team);
CREATE INDEX cost_daily_period ON cost_daily (provider, billing_account, period);
CREATE INDEX cost_daily_day ON cost_daily (day);

CREATE TABLE cost_unallocated (
    provider        TEXT NOT NULL,
    billing_account TEXT NOT NULL,
    period          TEXT NOT NULL,
    month           TEXT NOT NULL,
    sub_account     TEXT NOT NULL,
    sub_account_name TEXT NOT NULL,
    resource_id     TEXT NOT NULL,
    resource_name   TEXT NOT NULL,
    service_name    TEXT NOT NULL,
    currency        TEXT NOT NULL,
    billed_cost     DOUBLE PRECISION NOT NULL,
    effective_cost  DOUBLE PRECISION NOT NULL,
    charges         BIGINT NOT NULL,
    -- the tags the charges carried (JSON), for finding the owner
    tags            TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX cost_unallocated_month ON cost_unallocated (month);
CREATE INDEX cost_unallocated_period ON cost_unallocated (provider, billing_account, period);

-- How each shared-cost rule split a month's matched charges.
CREATE TABLE cost_splits (
    provider        TEXT NOT NULL,
    billing_account TEXT NOT NULL,
    period          TEXT NOT NULL,
    month           TEXT NOT NULL,
    rule            TEXT NOT NULL,
    method          TEXT NOT NULL,
    team            TEXT NOT NULL,
    share           DOUBLE PRECISION NOT NULL,
    currency        TEXT NOT NULL,
    effective_cost  DOUBLE PRECISION NOT NULL,
    billed_cost     DOUBLE PRECISION NOT NULL
);
CREATE INDEX cost_splits_period ON cost_splits (provider, billing_account, period);

-- +goose Down
DROP TABLE cost_splits;
DROP TABLE cost_unallocated;
DROP TABLE cost_daily;
DROP TABLE cost_periods;
DROP TABLE cost_imports;
