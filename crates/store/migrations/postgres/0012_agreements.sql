-- The register of agreements and their follow-up (domain::agreements): agreements with their
-- parties in order and the parties' notifications of completed domestic procedures; action items
-- with their responsible parties in order; progress reports. Kept equivalent to
-- ../sqlite/0012_agreements.sql; a test compares the migrated schemas.

CREATE TABLE agreements (
    id UUID PRIMARY KEY NOT NULL,
    title JSONB NOT NULL,
    level TEXT NOT NULL,
    document_id UUID REFERENCES documents (id),
    signed_on DATE,
    signed_at JSONB NOT NULL,
    depositary_id UUID REFERENCES participants (id),
    entry_into_force TEXT NOT NULL,
    threshold INTEGER,
    -- [kind, date], e.g. ["suspended", "2025-09-01"]; NULL while uninterrupted.
    interruption JSONB,
    created_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX agreements_signed ON agreements (signed_on);

CREATE TABLE agreement_parties (
    agreement_id UUID NOT NULL REFERENCES agreements (id),
    participant_id UUID NOT NULL REFERENCES participants (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (agreement_id, participant_id)
);
CREATE INDEX agreement_parties_participant ON agreement_parties (participant_id);

-- Insert-only: a party notifies once.
CREATE TABLE agreement_notifications (
    agreement_id UUID NOT NULL REFERENCES agreements (id),
    party_id UUID NOT NULL REFERENCES participants (id),
    date DATE NOT NULL,
    PRIMARY KEY (agreement_id, party_id)
);

-- Overdue is never stored: it is computed from the deadline and the responsible parties' zones.
CREATE TABLE action_items (
    id UUID PRIMARY KEY NOT NULL,
    agreement_id UUID NOT NULL REFERENCES agreements (id),
    title JSONB NOT NULL,
    agencies JSONB NOT NULL,
    area TEXT NOT NULL,
    deadline DATE NOT NULL,
    progress TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX action_items_agreement ON action_items (agreement_id);
CREATE INDEX action_items_deadline ON action_items (deadline);

CREATE TABLE action_item_responsible (
    item_id UUID NOT NULL REFERENCES action_items (id),
    participant_id UUID NOT NULL REFERENCES participants (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (item_id, participant_id)
);
CREATE INDEX action_item_responsible_participant ON action_item_responsible (participant_id);

-- Insert-only. An internal report stays with the ministry that wrote it (author_id); the
-- secretariat's reports have no author.
CREATE TABLE action_reports (
    id UUID PRIMARY KEY NOT NULL,
    item_id UUID NOT NULL REFERENCES action_items (id),
    author_id UUID REFERENCES participants (id),
    date DATE NOT NULL,
    text TEXT NOT NULL,
    progress TEXT NOT NULL,
    internal BOOLEAN NOT NULL DEFAULT FALSE,
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX action_reports_item ON action_reports (item_id, date);

-- The reminders sent about an action item: one of each kind ("due_soon", "overdue") per item, even
-- with several nodes (the primary key decides who sends).
CREATE TABLE action_item_reminders (
    item_id UUID NOT NULL REFERENCES action_items (id),
    kind TEXT NOT NULL,
    sent_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (item_id, kind)
);

-- Files attached to progress reports; read with the report (an internal report's files stay with it).
CREATE TABLE report_attachments (
    id UUID PRIMARY KEY NOT NULL,
    report_id UUID NOT NULL REFERENCES action_reports (id),
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX report_attachments_report ON report_attachments (report_id);
