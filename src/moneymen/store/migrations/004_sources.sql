-- What sources say beyond the values (issue 10): the text a value was cleaned from, the source's
-- own last seen, the datasets an import wrote, and the ids a source says are one entity.

-- The text as the source wrote it when FtM's property type cleaned it into `value` (a country
-- label read as its code), as FtM statements keep it; NULL when the value is the source's text.
ALTER TABLE statements ADD COLUMN original_value VARCHAR;
-- When the source says it last saw the statement (OpenSanctions' last_seen): a claim, beside the
-- store's own last_seen (when an import of the dataset last found it: what delisting reads).
ALTER TABLE statements ADD COLUMN source_last_seen VARCHAR;
ALTER TABLE statement_changes ADD COLUMN original_value VARCHAR;
ALTER TABLE statement_changes ADD COLUMN source_last_seen VARCHAR;

-- The datasets each import wrote: its own dataset, or for an OpenSanctions import each dataset
-- the file names. A dataset's versions, latest version and feeding formats are read from here.
CREATE TABLE import_datasets (
    import_id INTEGER NOT NULL,
    dataset VARCHAR NOT NULL
);
INSERT INTO import_datasets (import_id, dataset) SELECT id, dataset FROM imports;

-- Ids a source says are the same entity as `entity_id` (OpenSanctions' referents: the source
-- records merged into its canonical entity), kept for resolution. Written by the import that
-- read them, gone with it when it is reverted.
CREATE TABLE referents (
    import_id INTEGER NOT NULL,
    entity_id VARCHAR NOT NULL,
    referent_id VARCHAR NOT NULL
);
