-- The ownership catalog: teams, services, environments, and where each
-- service runs (namespaces) and spends (cloud accounts). Times are UTC Unix
-- milliseconds; IDs are generated in Go. Only SQL that SQLite and PostgreSQL
-- both accept.

-- +goose Up
CREATE TABLE teams (
    name         TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    chat         TEXT NOT NULL DEFAULT '',
    email        TEXT NOT NULL DEFAULT '',
    members      TEXT NOT NULL DEFAULT '[]',
    source       TEXT NOT NULL DEFAULT 'api',
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);

CREATE TABLE services (
    name         TEXT PRIMARY KEY,
    team         TEXT NOT NULL REFERENCES teams (name),
    display_name TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL DEFAULT '',
    lifecycle    TEXT NOT NULL DEFAULT '',
    tier         TEXT NOT NULL DEFAULT '',
    type         TEXT NOT NULL DEFAULT '',
    repository   TEXT NOT NULL DEFAULT '',
    golden_path  TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL DEFAULT 'api',
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX services_team ON services (team);

CREATE TABLE service_namespaces (
    service     TEXT NOT NULL REFERENCES services (name) ON DELETE CASCADE,
    namespace   TEXT NOT NULL,
    environment TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (service, namespace)
);
CREATE INDEX service_namespaces_namespace ON service_namespaces (namespace);

CREATE TABLE service_accounts (
    service     TEXT NOT NULL REFERENCES services (name) ON DELETE CASCADE,
    account     TEXT NOT NULL,
    provider    TEXT NOT NULL DEFAULT '',
    environment TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (service, account)
);
CREATE INDEX service_accounts_account ON service_accounts (account);

CREATE TABLE environments (
    name       TEXT PRIMARY KEY,
    production BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- One row whose version every catalog write bumps, so that replicas can
-- notice a change with one cheap query and rebuild their in-memory index.
CREATE TABLE catalog_state (
    id      BIGINT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO catalog_state (id, version) VALUES (1, 0);

-- +goose Down
DROP TABLE catalog_state;
DROP TABLE environments;
DROP TABLE service_accounts;
DROP TABLE service_namespaces;
DROP TABLE services;
DROP TABLE teams;
