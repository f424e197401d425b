-- Delivery: the deployments, changes and incidents that DORA is computed
-- from. Ingest (webhooks, the API, the CLI) writes them and links them as
-- they arrive: changes to the first successful production deployment that
-- contains them, failures and recoveries to deployments, incidents to the
-- deployment that caused them. DORA then only aggregates.
-- Times are Unix milliseconds, UTC.

-- +goose Up
-- Every delivery accepted, by its idempotency key, so that a retried
-- webhook is acknowledged and never applied twice.
CREATE TABLE delivery_events (
    -- github:<X-GitHub-Delivery>, gitlab:<X-Gitlab-Event-UUID or body hash>,
    -- cdevents:<source>/<id>, api:<Idempotency-Key or body hash>
    key         TEXT PRIMARY KEY,
    -- github, gitlab, cdevents, api or cli
    source      TEXT NOT NULL,
    -- the event type as sent (push, deployment_status, dev.cdevents.service.deployed.0.2.0...)
    kind        TEXT NOT NULL,
    -- applied, or ignored (an event type or action paved does not use)
    outcome     TEXT NOT NULL,
    repository  TEXT NOT NULL DEFAULT '',
    received_at BIGINT NOT NULL
);

-- Repositories events arrived for that the catalog does not own: listed
-- so that someone can claim them.
CREATE TABLE delivery_unowned (
    repository  TEXT PRIMARY KEY,
    events      BIGINT NOT NULL,
    first_seen  BIGINT NOT NULL,
    last_seen   BIGINT NOT NULL
);

-- Commits seen in pushes, on any branch. landed is their order on the
-- default branch (NULL until they land there): a deployment of commit X
-- contains every landed commit up to X's.
CREATE TABLE delivery_commits (
    repository   TEXT NOT NULL,
    sha          TEXT NOT NULL,
    committed_at BIGINT NOT NULL,
    ref          TEXT NOT NULL DEFAULT '',
    landed       BIGINT,
    -- the change this commit belongs to ('' until known)
    change_id    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (repository, sha)
);
CREATE INDEX delivery_commits_landed ON delivery_commits (repository, landed);

-- Changes, the unit of lead time: a merged pull or merge request (squash
-- and merge commits alike), a change.merged CDEvent, or a commit pushed
-- straight to the default branch.
CREATE TABLE delivery_changes (
    id              TEXT PRIMARY KEY,
    repository      TEXT NOT NULL,
    service         TEXT NOT NULL DEFAULT '',
    team            TEXT NOT NULL DEFAULT '',
    -- pull_request, merge_request, change or commit
    kind            TEXT NOT NULL,
    number          BIGINT NOT NULL DEFAULT 0,
    title           TEXT NOT NULL DEFAULT '',
    -- the commit that landed it: merge, squash or the commit itself
    sha             TEXT NOT NULL,
    first_commit_at BIGINT NOT NULL,
    merged_at       BIGINT NOT NULL,
    -- the first successful production deployment containing it
    deployment_id   TEXT NOT NULL DEFAULT '',
    deployed_at     BIGINT NOT NULL DEFAULT 0,
    received_at     BIGINT NOT NULL
);
CREATE INDEX delivery_changes_service ON delivery_changes (service, deployed_at);
CREATE INDEX delivery_changes_team ON delivery_changes (team, deployed_at);
-- Linking finds a repository's changes waiting for a deployment
-- (deployed_at 0), linked to a later one, or linked to one deployment
-- (deployed_at is the deployment's, so it narrows to that deployment).
CREATE INDEX delivery_changes_repo ON delivery_changes (repository, deployed_at);

-- Deployments to any environment; DORA reads the production ones.
CREATE TABLE delivery_deployments (
    id            TEXT PRIMARY KEY,
    source        TEXT NOT NULL,
    -- the sender's id (GitHub deployment id, CDEvents subject id...), so
    -- that later statuses of the same deployment update it
    external_id   TEXT NOT NULL DEFAULT '',
    repository    TEXT NOT NULL DEFAULT '',
    service       TEXT NOT NULL DEFAULT '',
    team          TEXT NOT NULL DEFAULT '',
    environment   TEXT NOT NULL,
    production    BOOLEAN NOT NULL,
    sha           TEXT NOT NULL DEFAULT '',
    -- success or failure
    status        TEXT NOT NULL,
    -- a rollback, or a fix of an earlier deployment: unplanned work
    rollback      BOOLEAN NOT NULL DEFAULT FALSE,
    fixes         TEXT NOT NULL DEFAULT '',
    deployed_at   BIGINT NOT NULL,
    -- why it counts as failed: '', failed, rolled_back, fixed or incident
    failure       TEXT NOT NULL DEFAULT '',
    -- when service was restored after this failed deployment (0: not yet),
    -- and by what: a deployment id or an incident id
    recovered_at  BIGINT NOT NULL DEFAULT 0,
    recovered_by  TEXT NOT NULL DEFAULT '',
    -- how many changes reached production with it, and their lead times
    -- (deployed_at - first_commit_at, in milliseconds, ascending,
    -- comma-separated): DORA reads lead times from the deployments, a
    -- row each, rather than from millions of change rows
    changes       BIGINT NOT NULL DEFAULT 0,
    lead_times    TEXT NOT NULL DEFAULT '',
    received_at   BIGINT NOT NULL
);
CREATE INDEX delivery_deployments_service ON delivery_deployments (service, deployed_at);
CREATE INDEX delivery_deployments_team ON delivery_deployments (team, deployed_at);
CREATE INDEX delivery_deployments_time ON delivery_deployments (deployed_at);
CREATE INDEX delivery_deployments_external ON delivery_deployments (source, external_id);
-- Linking finds the deployments of a landed commit.
CREATE INDEX delivery_deployments_sha ON delivery_deployments (repository, sha);

-- Incidents, linked to the deployment that caused them.
CREATE TABLE delivery_incidents (
    id            TEXT PRIMARY KEY,
    source        TEXT NOT NULL,
    external_id   TEXT NOT NULL DEFAULT '',
    repository    TEXT NOT NULL DEFAULT '',
    service       TEXT NOT NULL DEFAULT '',
    team          TEXT NOT NULL DEFAULT '',
    title         TEXT NOT NULL DEFAULT '',
    url           TEXT NOT NULL DEFAULT '',
    opened_at     BIGINT NOT NULL,
    resolved_at   BIGINT NOT NULL DEFAULT 0,
    deployment_id TEXT NOT NULL DEFAULT '',
    -- how the link was made: explicit (the event named the deployment or
    -- its commit), window (the service's last production deployment
    -- within delivery.incident_window) or '' (none found)
    link          TEXT NOT NULL DEFAULT '',
    received_at   BIGINT NOT NULL
);
CREATE INDEX delivery_incidents_service ON delivery_incidents (service, opened_at);
CREATE INDEX delivery_incidents_external ON delivery_incidents (source, external_id);
-- Failure marking reads the incidents linked to a deployment.
CREATE INDEX delivery_incidents_deployment ON delivery_incidents (deployment_id);

-- +goose Down
DROP TABLE delivery_incidents;
DROP TABLE delivery_deployments;
DROP TABLE delivery_changes;
DROP TABLE delivery_commits;
DROP TABLE delivery_unowned;
DROP TABLE delivery_events;
