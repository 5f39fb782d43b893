-- Resolution (issue 12): which records are the same real-world entity.

-- The judgement log: every judgement on a pair of records (or of a record and a canonical id),
-- and every undo, as an event; rows are only ever added. left_id < right_id.
CREATE TABLE judgements (
    id INTEGER PRIMARY KEY,
    left_id VARCHAR NOT NULL,
    right_id VARCHAR NOT NULL,
    judgement VARCHAR NOT NULL,      -- positive, negative, unsure, undo
    analyst VARCHAR NOT NULL,        -- who decided (a person, 'moneymen xref', a resolver file's user)
    created_at VARCHAR NOT NULL,     -- ISO-8601 UTC
    reason VARCHAR NOT NULL,         -- why (an analyst's words, the evidence of an automatic merge, the file read)
    score DOUBLE,                    -- the matcher's score when judged, if scored
    origin VARCHAR NOT NULL,         -- analyst, xref, import
    undoes INTEGER                   -- for an undo: the judgement it takes back
);
CREATE INDEX judgements_pair ON judgements (left_id, right_id);

-- The canonical id of every record (and canonical node) in a cluster of two or more, as last
-- assigned: what keeps a cluster's id stable when judgements change.
CREATE TABLE canonical (
    entity_id VARCHAR PRIMARY KEY,
    canonical_id VARCHAR NOT NULL
);
CREATE INDEX canonical_of ON canonical (canonical_id);

-- Candidate pairs xref found, each scored and sorted: merged (on strong evidence), review, rejected.
CREATE TABLE xref_candidates (
    left_id VARCHAR NOT NULL,
    right_id VARCHAR NOT NULL,
    score DOUBLE NOT NULL,
    status VARCHAR NOT NULL,         -- merged, review, rejected
    explanation VARCHAR NOT NULL,    -- JSON: the matcher's explanation and the resolution evidence
    run_id INTEGER NOT NULL,
    PRIMARY KEY (left_id, right_id)
);

-- Runs of xref: the settings they used and how far they got.
CREATE TABLE xref_runs (
    id INTEGER PRIMARY KEY,
    settings VARCHAR NOT NULL,       -- JSON: datasets, threshold, code version
    settings_sha256 VARCHAR NOT NULL,
    started_at VARCHAR NOT NULL,
    finished_at VARCHAR,             -- NULL while running, or after an interruption
    queried INTEGER NOT NULL,        -- entities compared in this run
    pairs INTEGER NOT NULL           -- candidate pairs written in this run
);

-- The entities xref has compared, with a digest of what it compared (their profile), under
-- which settings: an entity whose digest is unchanged is not compared again (incremental runs,
-- and resuming an interrupted one).
CREATE TABLE xref_compared (
    entity_id VARCHAR NOT NULL,
    settings_sha256 VARCHAR NOT NULL,
    digest VARCHAR NOT NULL,
    run_id INTEGER NOT NULL,
    PRIMARY KEY (entity_id, settings_sha256)
);
