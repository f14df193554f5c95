-- Agendas and documents: areas of cooperation, agenda items and agendas per format; documents with
-- their readers, immutable versions per language, amendments and the responses to them, stances,
-- signatures, and a full-text index. Kept equivalent to ../postgres/0011_documents.sql, but for
-- full-text search: here an FTS5 index over `document_search` (external content, kept in step by
-- triggers), there a generated tsvector column; `Store::schema` leaves both out of its comparison.

-- Areas a body's secretariat added to the standard ones (domain::agenda::STANDARD_AREAS).
CREATE TABLE cooperation_areas (
    body_id BLOB NOT NULL REFERENCES bodies (id),
    slug TEXT NOT NULL,
    name JSON NOT NULL,
    PRIMARY KEY (body_id, slug)
);

CREATE TABLE agenda_items (
    id BLOB PRIMARY KEY NOT NULL,
    meeting_id BLOB NOT NULL REFERENCES meetings (id),
    format TEXT NOT NULL,
    number INTEGER NOT NULL,
    title JSON NOT NULL,
    area TEXT NOT NULL,
    initiator_id BLOB REFERENCES participants (id),
    rapporteur JSON NOT NULL,
    status TEXT NOT NULL,
    reason JSON NOT NULL,
    forwarded_to BLOB REFERENCES bodies (id),
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (meeting_id, format, number)
);

-- A meeting's agenda in one format; no row: a draft agenda.
CREATE TABLE agendas (
    meeting_id BLOB NOT NULL REFERENCES meetings (id),
    format TEXT NOT NULL,
    adopted_at TIMESTAMP,
    version INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (meeting_id, format)
);

CREATE TABLE documents (
    id BLOB PRIMARY KEY NOT NULL,
    body_id BLOB NOT NULL REFERENCES bodies (id),
    meeting_id BLOB REFERENCES meetings (id),
    agenda_item_id BLOB REFERENCES agenda_items (id),
    kind TEXT NOT NULL,
    register_number TEXT NOT NULL UNIQUE,
    title JSON NOT NULL,
    original_language TEXT NOT NULL,
    classification TEXT NOT NULL CHECK (classification IN ('public', 'members', 'listed', 'internal')),
    initiator_id BLOB REFERENCES participants (id),
    status TEXT NOT NULL,
    forwarded_to BLOB REFERENCES bodies (id),
    frozen JSON,
    created_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX documents_body ON documents (body_id);
CREATE INDEX documents_meeting ON documents (meeting_id);

-- The listed delegations of a `listed` document, or the one delegation of an `internal` one, in the
-- order given: what the classification filter of every query reads.
CREATE TABLE document_readers (
    document_id BLOB NOT NULL REFERENCES documents (id),
    participant_id BLOB NOT NULL REFERENCES participants (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (document_id, participant_id)
);
CREATE INDEX document_readers_participant ON document_readers (participant_id);

-- Immutable: a version is inserted once and never updated.
CREATE TABLE document_versions (
    document_id BLOB NOT NULL REFERENCES documents (id),
    number INTEGER NOT NULL,
    language TEXT NOT NULL,
    paragraphs JSON NOT NULL,
    sha256 TEXT NOT NULL,
    consolidated JSON NOT NULL,
    note TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (document_id, number, language)
);

CREATE TABLE amendments (
    id BLOB PRIMARY KEY NOT NULL,
    document_id BLOB NOT NULL REFERENCES documents (id),
    version INTEGER NOT NULL,
    paragraph INTEGER NOT NULL,
    operation TEXT NOT NULL,
    text TEXT NOT NULL,
    target TEXT NOT NULL,
    justification TEXT NOT NULL,
    proposer_id BLOB NOT NULL REFERENCES participants (id),
    status TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    row_version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX amendments_document ON amendments (document_id, created_at);

-- Insert-only: delegations answering one amendment at once are all recorded.
CREATE TABLE amendment_responses (
    id BLOB PRIMARY KEY NOT NULL,
    amendment_id BLOB NOT NULL REFERENCES amendments (id),
    participant_id BLOB NOT NULL REFERENCES participants (id),
    position TEXT NOT NULL,
    comment TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX amendment_responses_amendment ON amendment_responses (amendment_id);

CREATE TABLE stances (
    document_id BLOB NOT NULL REFERENCES documents (id),
    participant_id BLOB NOT NULL REFERENCES participants (id),
    stance TEXT NOT NULL,
    text TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    PRIMARY KEY (document_id, participant_id)
);

CREATE TABLE signatures (
    document_id BLOB NOT NULL REFERENCES documents (id),
    participant_id BLOB NOT NULL REFERENCES participants (id),
    person TEXT NOT NULL,
    position JSON NOT NULL,
    signed_at TIMESTAMP NOT NULL,
    place JSON NOT NULL,
    PRIMARY KEY (document_id, participant_id)
);
CREATE INDEX signatures_participant ON signatures (participant_id);

-- What full-text search reads: per document and language, the title and the latest version's text.
-- An explicit integer key, which VACUUM keeps, is the rowid the FTS5 index refers to.
CREATE TABLE document_search (
    id INTEGER PRIMARY KEY NOT NULL,
    document_id BLOB NOT NULL REFERENCES documents (id),
    language TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (document_id, language)
);

CREATE VIRTUAL TABLE document_search_fts USING fts5 (
    title,
    body,
    content = 'document_search',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER document_search_inserted AFTER INSERT ON document_search BEGIN
    INSERT INTO document_search_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;

CREATE TRIGGER document_search_deleted AFTER DELETE ON document_search BEGIN
    INSERT INTO document_search_fts (document_search_fts, rowid, title, body)
    VALUES ('delete', old.id, old.title, old.body);
END;

CREATE TRIGGER document_search_updated AFTER UPDATE ON document_search BEGIN
    INSERT INTO document_search_fts (document_search_fts, rowid, title, body)
    VALUES ('delete', old.id, old.title, old.body);
    INSERT INTO document_search_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
