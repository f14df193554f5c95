-- A word's matches among the texts indexed from `newest_from` on (by key, newest last), for search
-- to look among the newest texts first (`store::documents::page`). The key's range and the word's
-- index are intersected before any row is read: a common word's matches among the newest 4,000
-- texts of a 46,738-text register are found in 3 ms instead of all of its 17,900 in 18 ms. Index
-- scans are off inside the function only, where the planner would otherwise walk the key's range
-- and test each row's stored vector (the cost of decompressing one is not in its estimates); the
-- statement is planned with its values each time.
CREATE FUNCTION document_search_found(words tsquery, newest_from BIGINT)
    RETURNS TABLE (hit BIGINT, document_id UUID)
    LANGUAGE plpgsql STABLE SET enable_indexscan = off AS $$
BEGIN
    RETURN QUERY EXECUTE 'SELECT id, document_id FROM document_search WHERE terms @@ $1 AND id >= $2'
        USING words, newest_from;
END
$$;
