-- Integrity of the store (issue 9): collision-free statement ids, imports keyed on everything
-- that shapes their statements, and an undo record of every import so that it can be reverted.

-- Statement ids: sha256 of the length-prefixed identifying fields (no separator can collide).
UPDATE statements SET id = {STATEMENT_ID};

ALTER TABLE imports ADD COLUMN key_sha256 VARCHAR;          -- format, options and the digest of every file read
ALTER TABLE imports ADD COLUMN kind VARCHAR DEFAULT 'version';  -- version | addition | restore
ALTER TABLE imports ADD COLUMN revertible BOOLEAN DEFAULT false; -- imports made before this migration have no undo record
ALTER TABLE imports ADD COLUMN reverted_at VARCHAR;         -- set by `moneymen imports revert`

-- What each import changed: 'insert' (a statement it created) or 'update' (the statement as it
-- was before the import first touched it: the before-image that a revert puts back).
CREATE TABLE statement_changes (
    import_id INTEGER NOT NULL,
    change VARCHAR NOT NULL,
    id VARCHAR NOT NULL,
    entity_id VARCHAR,
    schema VARCHAR,
    prop VARCHAR,
    value VARCHAR,
    dataset VARCHAR,
    source_record VARCHAR,
    source_url VARCHAR,
    document_id VARCHAR,
    quote VARCHAR,
    lang VARCHAR,
    first_seen VARCHAR,
    last_seen VARCHAR,
    retrieved_at VARCHAR,
    origin VARCHAR,
    reliability VARCHAR,
    credibility VARCHAR,
    previous_import_id INTEGER
);
