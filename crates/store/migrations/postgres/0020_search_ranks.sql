-- Ranking reads the vector of each match kept (up to 1,000 a search). In the narrow search table
-- (migration 0015) that vector lives out of line, in TOAST chunks found through the TOAST index:
-- about 7 buffers a vector, 15 ms of a 22-ms search for the commonest word of a 6,000-document
-- register (`psql`, warm). A copy of each vector kept in its own row, beside the search table,
-- is read in one buffer or two: 7 ms. The search table stays narrow for finding the matches.
CREATE TABLE document_search_ranks (
    id BIGINT PRIMARY KEY REFERENCES document_search (id) ON DELETE CASCADE,
    terms tsvector NOT NULL
) WITH (toast_tuple_target = 8160);
-- Out of line only for a vector too long for a page once compressed.
ALTER TABLE document_search_ranks ALTER COLUMN terms SET STORAGE MAIN;
DO $$
BEGIN
    ALTER TABLE document_search_ranks ALTER COLUMN terms SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    NULL;
END
$$;
INSERT INTO document_search_ranks (id, terms) SELECT id, terms FROM document_search WHERE terms IS NOT NULL;

-- The copy follows the search table's vector, which the keyed words make (migration 0019); an
-- AFTER trigger sees the generated vector.
CREATE FUNCTION document_search_ranks_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO document_search_ranks (id, terms) VALUES (NEW.id, NEW.terms)
        ON CONFLICT (id) DO UPDATE SET terms = excluded.terms;
    RETURN NULL;
END
$$;
CREATE TRIGGER document_search_ranks_follow AFTER INSERT OR UPDATE OF title_words, body_words
    ON document_search FOR EACH ROW EXECUTE FUNCTION document_search_ranks_follow();
