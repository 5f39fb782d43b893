-- Saved scenario runs: what was asked (the scenario file's text and its hash), with which code
-- and seed, and what came out (results as JSON), so that a run can be shown, compared and
-- reported again without running it again.
CREATE TABLE scenario_runs (
    id INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,           -- the scenario's name
    scenario_text VARCHAR NOT NULL,  -- the scenario file as read
    sha256 VARCHAR NOT NULL,         -- of scenario_text (UTF-8)
    version VARCHAR NOT NULL,        -- moneymen version that ran it
    seed BIGINT NOT NULL,
    runs INTEGER NOT NULL,           -- Monte Carlo runs
    started_at VARCHAR NOT NULL,     -- ISO-8601 UTC
    finished_at VARCHAR NOT NULL,
    results VARCHAR NOT NULL         -- JSON: ScenarioRun.to_dict()
);
