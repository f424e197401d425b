-- Surveys: eNPS and the SPACE pulse. An invite is a personal link tied to
-- a team; an answer is stored apart from it, with its team and day only
-- (no invite id, no time of day), so that answers cannot be joined back to
-- the invites, and so to the people they were sent to.

-- +goose Up
-- Every survey, from paved.yaml (source config, written on start) or the
-- API and UI (source api).
CREATE TABLE surveys (
    id         TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    -- enps, pulse or enps+pulse
    kind       TEXT NOT NULL,
    -- days, YYYY-MM-DD UTC, both included
    opens_on   TEXT NOT NULL,
    closes_on  TEXT NOT NULL,
    -- JSON: the audience's team names; [] is every team
    teams      TEXT NOT NULL DEFAULT '[]',
    -- JSON: the extra questions asked after the built-in ones
    questions  TEXT NOT NULL DEFAULT '[]',
    source     TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Invites by the SHA-256 of their token; the token itself is shown once.
-- used_on is the day it was answered ('' until then): the same day as the
-- answer, and no finer.
CREATE TABLE survey_invites (
    token_hash TEXT PRIMARY KEY,
    survey_id  TEXT NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    team       TEXT NOT NULL,
    used_on    TEXT NOT NULL DEFAULT '',
    created_on TEXT NOT NULL
);
CREATE INDEX survey_invites_survey ON survey_invites (survey_id, team);

-- Answers, one per used invite, under a random id.
CREATE TABLE survey_responses (
    id        TEXT PRIMARY KEY,
    survey_id TEXT NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    team      TEXT NOT NULL,
    day       TEXT NOT NULL,
    -- JSON: {"scores": {question: n}, "texts": {question: "..."}}
    answers   TEXT NOT NULL
);
CREATE INDEX survey_responses_survey ON survey_responses (survey_id, team);

-- +goose Down
DROP TABLE survey_responses;
DROP TABLE survey_invites;
DROP TABLE surveys;
