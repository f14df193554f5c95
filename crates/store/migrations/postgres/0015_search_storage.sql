-- Full-text search reads the index, then the row of every match: keep those rows narrow. Every
-- column that can leaves the row for the table's TOAST storage (the row of a text in a language
-- was 1 to 2 kB with its compressed text; now under 128 bytes), so the commonest word of the
-- register in `benches/documents.sh` visits 3,300 pages instead of 7,600. The stored vectors that
-- ranking reads are compressed with lz4, which decompresses in about half pglz's time, where the
-- server has it.
ALTER TABLE document_search SET (toast_tuple_target = 128);
DO $$
BEGIN
    ALTER TABLE document_search ALTER COLUMN terms SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    NULL;
END
$$;
-- Rows are stored anew, under both settings.
UPDATE document_search SET body = body;
