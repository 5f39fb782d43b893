-- The evidence store: every fact is a statement with its provenance.
CREATE TABLE statements (
    id VARCHAR NOT NULL,             -- md5 of dataset, entity_id, prop, value, document_id (unique; kept so by Store.write_statements)
    entity_id VARCHAR NOT NULL,
    schema VARCHAR NOT NULL,         -- FollowTheMoney schema name
    prop VARCHAR NOT NULL,           -- FollowTheMoney property name
    value VARCHAR NOT NULL,
    lang VARCHAR,
    dataset VARCHAR NOT NULL,
    source_record VARCHAR,           -- e.g. 'KPi.001' or 'ent_num 9345'
    source_url VARCHAR,
    document_id VARCHAR,
    quote VARCHAR,
    origin VARCHAR NOT NULL,         -- import | extraction | analyst
    reliability VARCHAR NOT NULL,    -- Admiralty A-F
    credibility VARCHAR NOT NULL,    -- Admiralty 1-6
    first_seen VARCHAR,              -- ISO-8601 UTC
    last_seen VARCHAR,
    retrieved_at VARCHAR,
    import_id INTEGER                -- the import that last saw this statement
);

CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    dataset VARCHAR NOT NULL,
    format VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    list_date VARCHAR,               -- the list's own publication time, when it states one
    seen VARCHAR NOT NULL,           -- the time its statements were seen
    started_at VARCHAR NOT NULL,
    finished_at VARCHAR,
    entities INTEGER,
    statements INTEGER,
    grade VARCHAR NOT NULL
);
