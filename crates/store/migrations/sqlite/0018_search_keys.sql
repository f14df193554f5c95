-- Search indexes each word by its key (`domain::words`): a Russian word in any of its
-- forms, ё or е. The keys are made by Concord, which fills these columns when it starts
-- (`store::documents::make_keys`) for every row whose keys an earlier `STEMMING` made; the FTS5
-- index now holds the keys, and the title and text stay for the excerpts.
DROP TRIGGER document_search_inserted;
DROP TRIGGER document_search_deleted;
DROP TRIGGER document_search_updated;
DROP TABLE document_search_fts;

ALTER TABLE document_search ADD COLUMN title_words TEXT NOT NULL DEFAULT '';
ALTER TABLE document_search ADD COLUMN body_words TEXT NOT NULL DEFAULT '';
ALTER TABLE document_search ADD COLUMN stemming INTEGER NOT NULL DEFAULT 0;
CREATE INDEX document_search_stemming ON document_search (stemming);

CREATE VIRTUAL TABLE document_search_fts USING fts5 (
    title_words,
    body_words,
    content = 'document_search',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
-- Every row is in the index (with no words yet), so that the trigger below may take its old
-- words out when its keys are made.
INSERT INTO document_search_fts (document_search_fts) VALUES ('rebuild');

CREATE TRIGGER document_search_inserted AFTER INSERT ON document_search BEGIN
    INSERT INTO document_search_fts (rowid, title_words, body_words) VALUES (new.id, new.title_words, new.body_words);
END;

CREATE TRIGGER document_search_deleted AFTER DELETE ON document_search BEGIN
    INSERT INTO document_search_fts (document_search_fts, rowid, title_words, body_words)
    VALUES ('delete', old.id, old.title_words, old.body_words);
END;

CREATE TRIGGER document_search_updated AFTER UPDATE OF title_words, body_words ON document_search BEGIN
    INSERT INTO document_search_fts (document_search_fts, rowid, title_words, body_words)
    VALUES ('delete', old.id, old.title_words, old.body_words);
    INSERT INTO document_search_fts (rowid, title_words, body_words) VALUES (new.id, new.title_words, new.body_words);
END;
