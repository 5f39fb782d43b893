-- Reading the news (issue 13): the documents read, and the claims extracted from them, which wait
-- in a review queue until an analyst accepts (they become statements), edits or rejects them.

-- A document, stored once (its cleaned text's sha256 is unique): where it came from, what it is,
-- and everything extraction found in it (JSON: mentions, relations, events).
CREATE TABLE documents (
    id VARCHAR PRIMARY KEY,          -- 'doc-' and the first 12 hex digits of text_sha256
    title VARCHAR,
    outlet VARCHAR NOT NULL,
    author VARCHAR,
    published VARCHAR,               -- ISO date (prefix) the document states or the reader gave
    url VARCHAR,
    kind VARCHAR NOT NULL,           -- text, html, feed-item
    text VARCHAR NOT NULL,
    text_sha256 VARCHAR NOT NULL UNIQUE,
    raw_sha256 VARCHAR NOT NULL,
    reliability VARCHAR NOT NULL,    -- A-F: the outlet's, from the outlet table or the reader
    read_at VARCHAR NOT NULL,        -- ISO-8601 UTC
    extraction VARCHAR NOT NULL      -- JSON
);

-- One claim per reported proposition, in the review queue.
CREATE TABLE claims (
    id VARCHAR PRIMARY KEY,          -- the document id, ':', the claim's number in it (c1, c2, ...)
    document_id VARCHAR NOT NULL,
    number INTEGER NOT NULL,
    evidence VARCHAR NOT NULL,       -- the exact words of the document
    start_offset INTEGER NOT NULL,   -- where they are in the document's text
    end_offset INTEGER NOT NULL,
    chain VARCHAR NOT NULL,          -- JSON: who says it, from the outlet to the final source
    hedged BOOLEAN NOT NULL,
    hedge_cues VARCHAR NOT NULL,     -- JSON list
    polarity VARCHAR NOT NULL,       -- assert, deny
    grade VARCHAR NOT NULL,          -- Admiralty, e.g. C3
    content VARCHAR NOT NULL,        -- JSON: the relations and events the claim states, with their mentions
    status VARCHAR NOT NULL,         -- pending, accepted, rejected
    decided_by VARCHAR,
    decided_at VARCHAR,
    reason VARCHAR,
    import_id INTEGER                -- the import that wrote an accepted claim's statements
);
CREATE INDEX claims_document ON claims (document_id);
