-- Platform feature usage: events from the IDP, the CLI and paved's own UI
-- (feature, action, team, hashed actor), rolled up per day, and kept
-- counted per week as they arrive, so that the summary reads a few
-- thousand rows whatever the number of events or the window.
-- Actors are HMAC-SHA256 hashes (hex) under the per-install key in
-- usage_settings; raw identities are never stored. Times are Unix
-- milliseconds, UTC; days and weeks are YYYY-MM-DD (a week by its Monday).

-- +goose Up
-- The per-install settings of usage tracking: actor_key, the HMAC key
-- actors are hashed with.
CREATE TABLE usage_settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Events as received, kept for a while (the service prunes them) so that
-- an event sent again with the same id is recognised, and so that its
-- properties can be looked at. The rollups below are what is kept.
CREATE TABLE usage_events (
    -- the sender's idempotency id, or one paved generated
    id          TEXT PRIMARY KEY,
    feature     TEXT NOT NULL,
    action      TEXT NOT NULL,
    team        TEXT NOT NULL DEFAULT '',
    actor       TEXT NOT NULL DEFAULT '',
    at          BIGINT NOT NULL,
    -- a JSON object, or '' for none
    properties  TEXT NOT NULL DEFAULT '',
    received_at BIGINT NOT NULL
);
CREATE INDEX usage_events_received ON usage_events (received_at);

-- Events per day, feature, action, team and actor.
CREATE TABLE usage_daily (
    day     TEXT NOT NULL,
    feature TEXT NOT NULL,
    action  TEXT NOT NULL,
    team    TEXT NOT NULL,
    actor   TEXT NOT NULL,
    events  BIGINT NOT NULL,
    PRIMARY KEY (day, feature, action, team, actor)
);

-- Per week and feature (feature '' is any feature, the platform as a
-- whole): how many teams and actors used it and how many events there
-- were. teams and users grow as the presence tables below gain rows, so
-- weekly actives are read, not counted.
CREATE TABLE usage_weekly (
    week    TEXT NOT NULL,
    feature TEXT NOT NULL,
    teams   BIGINT NOT NULL,
    users   BIGINT NOT NULL,
    events  BIGINT NOT NULL,
    PRIMARY KEY (week, feature)
);

-- The teams and the actors that used a feature in a week: a row is
-- added once, and its insertion counts in usage_weekly.
CREATE TABLE usage_weekly_teams (
    week    TEXT NOT NULL,
    feature TEXT NOT NULL,
    team    TEXT NOT NULL,
    PRIMARY KEY (week, feature, team)
);
CREATE TABLE usage_weekly_actors (
    week    TEXT NOT NULL,
    feature TEXT NOT NULL,
    actor   TEXT NOT NULL,
    PRIMARY KEY (week, feature, actor)
);

-- The last week each team and each actor used a feature: who used it in
-- a window that ends now is who used it in the window's first week or
-- later, a read of at most features x teams (or users) rows.
CREATE TABLE usage_feature_teams (
    feature   TEXT NOT NULL,
    team      TEXT NOT NULL,
    last_week TEXT NOT NULL,
    PRIMARY KEY (feature, team)
);
CREATE TABLE usage_feature_actors (
    feature   TEXT NOT NULL,
    actor     TEXT NOT NULL,
    last_week TEXT NOT NULL,
    PRIMARY KEY (feature, actor)
);

-- Every feature ever used, with its first and last use.
CREATE TABLE usage_features (
    feature    TEXT PRIMARY KEY,
    first_seen BIGINT NOT NULL,
    last_seen  BIGINT NOT NULL
);

-- +goose Down
DROP TABLE usage_features;
DROP TABLE usage_feature_actors;
DROP TABLE usage_feature_teams;
DROP TABLE usage_weekly_actors;
DROP TABLE usage_weekly_teams;
DROP TABLE usage_weekly;
DROP TABLE usage_daily;
DROP TABLE usage_events;
DROP TABLE usage_settings;
