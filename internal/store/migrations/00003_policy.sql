-- Guardrails: every policy result reported by CI (and admission) as a
-- decision, daily rollups that keep history cheap, the current open
-- findings per policy and resource, exceptions created through the API,
-- and the onboarding grace period of new teams.

-- +goose Up
CREATE TABLE policy_decisions (
    id          TEXT PRIMARY KEY,
    at          BIGINT NOT NULL,
    source      TEXT NOT NULL,
    team        TEXT NOT NULL,
    service     TEXT NOT NULL DEFAULT '',
    environment TEXT NOT NULL DEFAULT '',
    policy      TEXT NOT NULL,
    severity    TEXT NOT NULL DEFAULT '',
    resource    TEXT NOT NULL,
    file        TEXT NOT NULL DEFAULT '',
    line        BIGINT NOT NULL DEFAULT 0,
    action      TEXT NOT NULL,
    message     TEXT NOT NULL
);
CREATE INDEX policy_decisions_at ON policy_decisions (at);
CREATE INDEX policy_decisions_team_at ON policy_decisions (team, at);

CREATE TABLE policy_decision_days (
    day    TEXT NOT NULL,
    policy TEXT NOT NULL,
    team   TEXT NOT NULL,
    action TEXT NOT NULL,
    count  BIGINT NOT NULL,
    PRIMARY KEY (day, policy, team, action)
);

CREATE TABLE policy_findings (
    policy      TEXT NOT NULL,
    resource    TEXT NOT NULL,
    source      TEXT NOT NULL,
    team        TEXT NOT NULL,
    service     TEXT NOT NULL DEFAULT '',
    environment TEXT NOT NULL DEFAULT '',
    severity    TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    mode        TEXT NOT NULL DEFAULT '',
    rule        TEXT NOT NULL DEFAULT '',
    message     TEXT NOT NULL,
    file        TEXT NOT NULL DEFAULT '',
    line        BIGINT NOT NULL DEFAULT 0,
    first_seen  BIGINT NOT NULL,
    last_seen   BIGINT NOT NULL,
    PRIMARY KEY (policy, resource, source, team)
);
CREATE INDEX policy_findings_team ON policy_findings (team);

CREATE TABLE policy_exceptions (
    id         TEXT PRIMARY KEY,
    policy     TEXT NOT NULL,
    team       TEXT NOT NULL DEFAULT '',
    service    TEXT NOT NULL DEFAULT '',
    namespace  TEXT NOT NULL DEFAULT '',
    resource   TEXT NOT NULL DEFAULT '',
    reason     TEXT NOT NULL,
    approver   TEXT NOT NULL,
    expires    TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE team_policy_grace (
    team       TEXT PRIMARY KEY REFERENCES teams (name) ON DELETE CASCADE,
    until_day  TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE team_policy_grace;
DROP TABLE policy_exceptions;
DROP TABLE policy_findings;
DROP TABLE policy_decision_days;
DROP TABLE policy_decisions;
