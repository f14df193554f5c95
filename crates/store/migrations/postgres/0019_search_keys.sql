-- Search indexes each word by its key (`domain::words`): a Russian word in any of its
-- forms, ё or е. The keys are made by Concord, which fills these columns when it starts
-- (`store::documents::make_keys`) for every row whose keys an earlier `STEMMING` made; the vector
-- and its index now hold the keys, and the title and text stay for the excerpts.
DROP INDEX document_search_terms;
ALTER TABLE document_search DROP COLUMN terms;
ALTER TABLE document_search
    ADD COLUMN title_words TEXT NOT NULL DEFAULT '',
    ADD COLUMN body_words TEXT NOT NULL DEFAULT '',
    ADD COLUMN stemming INTEGER NOT NULL DEFAULT 0;
CREATE INDEX document_search_stemming ON document_search (stemming);
ALTER TABLE document_search ADD COLUMN terms tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple'::regconfig, title_words), 'A')
    || setweight(to_tsvector('simple'::regconfig, body_words), 'B')
) STORED;
-- As in migration 0015: the vectors that ranking reads are compressed with lz4 where the server
-- has it.
DO $$
BEGIN
    ALTER TABLE document_search ALTER COLUMN terms SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    NULL;
END
$$;
CREATE INDEX document_search_terms ON document_search USING GIN (terms);
