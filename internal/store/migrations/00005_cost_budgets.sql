-- FinOps alerting: the budgets set through the API or by onboarding
-- (paved.yaml's budgets are read from the file and never stored), every
-- alert raised with its delivery state, and every anomaly found in daily
-- EffectiveCost.

-- +goose Up
-- One budget per team, scope (a service, an environment, or '' for the
-- whole team) and currency, per month.
CREATE TABLE cost_budgets (
    team        TEXT NOT NULL,
    service     TEXT NOT NULL DEFAULT '',
    environment TEXT NOT NULL DEFAULT '',
    currency    TEXT NOT NULL,
    amount      DOUBLE PRECISION NOT NULL,
    -- api or onboard (config budgets are not stored)
    source      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (team, service, environment, currency)
);

-- Every alert ever raised. dedupe_key makes each one fire once however
-- often the checks run and on however many replicas.
CREATE TABLE cost_alerts (
    id              TEXT PRIMARY KEY,
    team            TEXT NOT NULL,
    -- budget, forecast or anomaly
    kind            TEXT NOT NULL,
    dedupe_key      TEXT NOT NULL UNIQUE,
    month           TEXT NOT NULL,
    day             TEXT NOT NULL DEFAULT '',
    -- info, warning or critical
    severity        TEXT NOT NULL,
    message         TEXT NOT NULL,
    -- JSON: amounts, thresholds, the expected band, the drivers
    details         TEXT NOT NULL DEFAULT '{}',
    created_at      BIGINT NOT NULL,
    -- delivery: pending, delivered or failed
    status          TEXT NOT NULL DEFAULT 'pending',
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    delivered_at    BIGINT NOT NULL DEFAULT 0,
    -- JSON: webhook id -> delivered or rejected, so that a retry never
    -- posts twice to a webhook that already took the alert
    deliveries      TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX cost_alerts_team_month ON cost_alerts (team, month);
CREATE INDEX cost_alerts_due ON cost_alerts (status, next_attempt_at);

-- Every anomaly found, once per team, service ('' for the team's whole
-- spend), day and currency; alert_id is the alert that reported it.
CREATE TABLE cost_anomalies (
    team      TEXT NOT NULL,
    service   TEXT NOT NULL,
    day       TEXT NOT NULL,
    currency  TEXT NOT NULL,
    actual    DOUBLE PRECISION NOT NULL,
    expected  DOUBLE PRECISION NOT NULL,
    lower     DOUBLE PRECISION NOT NULL,
    upper     DOUBLE PRECISION NOT NULL,
    impact    DOUBLE PRECISION NOT NULL,
    -- JSON: the top service_name/charge_category changes behind it
    drivers   TEXT NOT NULL DEFAULT '[]',
    alert_id  TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    PRIMARY KEY (team, service, day, currency)
);

-- +goose Down
DROP TABLE cost_anomalies;
DROP TABLE cost_alerts;
DROP TABLE cost_budgets;
