-- Smaller rollups of cost_daily for the pages, so that they read a few
-- thousand rows rather than every day's (a 1M-charge month is some 80,000
-- daily rollups). Both are written by the import alongside cost_daily and
-- replaced with it.
--
-- cost_monthly: every dimension but the day, for a month's reports and
-- coverage; last_day is the last billed day the row covers.
-- cost_team_daily: each team's day per currency, for the twelve-month
-- trend, the month to date and the same days of the month before.

-- +goose Up
CREATE TABLE cost_monthly (
    provider         TEXT NOT NULL,
    billing_account  TEXT NOT NULL,
    period           TEXT NOT NULL,
    month            TEXT NOT NULL,
    last_day         TEXT NOT NULL,
    team             TEXT NOT NULL,
    service          TEXT NOT NULL,
    environment      TEXT NOT NULL,
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
CREATE INDEX cost_monthly_month_team ON cost_monthly (month, team);
CREATE INDEX cost_monthly_period ON cost_monthly (provider, billing_account, period);

CREATE TABLE cost_team_daily (
    provider         TEXT NOT NULL,
    billing_account  TEXT NOT NULL,
    period           TEXT NOT NULL,
    month            TEXT NOT NULL,
    day              TEXT NOT NULL,
    team             TEXT NOT NULL,
    currency         TEXT NOT NULL,
    billed_cost      DOUBLE PRECISION NOT NULL,
    effective_cost   DOUBLE PRECISION NOT NULL,
    list_cost        DOUBLE PRECISION NOT NULL,
    -- the part of effective_cost some team owns (allocation is not
    -- unallocated): the numerator of allocation coverage
    allocated_cost   DOUBLE PRECISION NOT NULL
);
CREATE INDEX cost_team_daily_month_team ON cost_team_daily (month, team);
CREATE INDEX cost_team_daily_period ON cost_team_daily (provider, billing_account, period);

INSERT INTO cost_team_daily
SELECT provider, billing_account, period, month, day, team, currency,
       SUM(billed_cost), SUM(effective_cost), SUM(list_cost),
       SUM(CASE WHEN allocation = 'unallocated' THEN 0 ELSE effective_cost END)
FROM cost_daily
GROUP BY provider, billing_account, period, month, day, team, currency;

INSERT INTO cost_monthly
SELECT provider, billing_account, period, month, MAX(day), team, service, environment, allocation,
       sub_account, service_name, service_category, charge_category, currency,
       SUM(billed_cost), SUM(effective_cost), SUM(list_cost), SUM(charges)
FROM cost_daily
GROUP BY provider, billing_account, period, month, team, service, environment, allocation,
         sub_account, service_name, service_category, charge_category, currency;

-- +goose Down
DROP TABLE cost_team_daily;
DROP TABLE cost_monthly;
