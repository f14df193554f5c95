-- Agendas and documents: areas of cooperation, agenda items and agendas per format; documents with
-- their readers, immutable versions per language, amendments and the responses to them, stances,
-- signatures, and a full-text index. Kept equivalent to ../sqlite/0011_documents.sql, but for
-- full-text search: here a generated tsvector column (configuration `simple`: no stemming, words
-- folded to lower case, for every language alike), there an FTS5 index; `Store::schema` leaves both
-- out of its comparison.

-- Areas a body's secretariat added to the standard ones (domain::agenda::STANDARD_AREAS).
CREATE TABLE cooperation_areas (
    body_id UUID NOT NULL REFERENCES bodies (id),
    slug TEXT NOT NULL,
    name JSONB NOT NULL,
    PRIMARY KEY (body_id, slug)
);

CREATE TABLE agenda_items (
    id UUID PRIMARY KEY NOT NULL,
    meeting_id UUID NOT NULL REFERENCES meetings (id),
    format TEXT NOT NULL,
    number INTEGER NOT NULL,
    title JSONB NOT NULL,
    area TEXT NOT NULL,
    initiator_id UUID REFERENCES participants (id),
    rapporteur JSONB NOT NULL,
    status TEXT NOT NULL,
    reason JSONB NOT NULL,
    forwarded_to UUID REFERENCES bodies (id),
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (meeting_id, format, number)
);

-- A meeting's agenda in one format; no row: a draft agenda.
CREATE TABLE agendas (
    meeting_id UUID NOT NULL REFERENCES meetings (id),
    format TEXT NOT NULL,
    adopted_at TIMESTAMPTZ,
    version BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (meeting_id, format)
);

CREATE TABLE documents (
    id UUID PRIMARY KEY NOT NULL,
    body_id UUID NOT NULL REFERENCES bodies (id),
    meeting_id UUID REFERENCES meetings (id),
    agenda_item_id UUID REFERENCES agenda_items (id),
    kind TEXT NOT NULL,
    register_number TEXT NOT NULL UNIQUE,
    title JSONB NOT NULL,
    original_language TEXT NOT NULL,
    classification TEXT NOT NULL CHECK (classification IN ('public', 'members', 'listed', 'internal')),
    initiator_id UUID REFERENCES participants (id),
    status TEXT NOT NULL,
    forwarded_to UUID REFERENCES bodies (id),
    frozen JSONB,
    created_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX documents_body ON documents (body_id);
CREATE INDEX documents_meeting ON documents (meeting_id);

-- The listed delegations of a `listed` document, or the one delegation of an `internal` one, in the
-- order given: what the classification filter of every query reads.
CREATE TABLE document_readers (
    document_id UUID NOT NULL REFERENCES documents (id),
    participant_id UUID NOT NULL REFERENCES participants (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (document_id, participant_id)
);
CREATE INDEX document_readers_participant ON document_readers (participant_id);

-- Immutable: a version is inserted once and never updated.
CREATE TABLE document_versions (
    document_id UUID NOT NULL REFERENCES documents (id),
    number INTEGER NOT NULL,
    language TEXT NOT NULL,
    paragraphs JSONB NOT NULL,
    sha256 TEXT NOT NULL,
    consolidated JSONB NOT NULL,
    note TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (document_id, number, language)
);

CREATE TABLE amendments (
    id UUID PRIMARY KEY NOT NULL,
    document_id UUID NOT NULL REFERENCES documents (id),
    version INTEGER NOT NULL,
    paragraph INTEGER NOT NULL,
    operation TEXT NOT NULL,
    text TEXT NOT NULL,
    target TEXT NOT NULL,
    justification TEXT NOT NULL,
    proposer_id UUID NOT NULL REFERENCES participants (id),
    status TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    row_version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX amendments_document ON amendments (document_id, created_at);

-- Insert-only: delegations answering one amendment at once are all recorded.
CREATE TABLE amendment_responses (
    id UUID PRIMARY KEY NOT NULL,
    amendment_id UUID NOT NULL REFERENCES amendments (id),
    participant_id UUID NOT NULL REFERENCES participants (id),
    position TEXT NOT NULL,
    comment TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX amendment_responses_amendment ON amendment_responses (amendment_id);

CREATE TABLE stances (
    document_id UUID NOT NULL REFERENCES documents (id),
    participant_id UUID NOT NULL REFERENCES participants (id),
    stance TEXT NOT NULL,
    text TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (document_id, participant_id)
);

CREATE TABLE signatures (
    document_id UUID NOT NULL REFERENCES documents (id),
    participant_id UUID NOT NULL REFERENCES participants (id),
    person TEXT NOT NULL,
    position JSONB NOT NULL,
    signed_at TIMESTAMPTZ NOT NULL,
    place JSONB NOT NULL,
    PRIMARY KEY (document_id, participant_id)
);
CREATE INDEX signatures_participant ON signatures (participant_id);

-- What full-text search reads: per document and language, the title and the latest version's text.
CREATE TABLE document_search (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY NOT NULL,
    document_id UUID NOT NULL REFERENCES documents (id),
    language TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    terms tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title), 'A') || setweight(to_tsvector('simple'::regconfig, body), 'B')
    ) STORED,
    UNIQUE (document_id, language)
);
CREATE INDEX document_search_terms ON document_search USING GIN (terms);
