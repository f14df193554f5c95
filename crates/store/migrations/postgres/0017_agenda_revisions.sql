-- Each adopted agenda the meeting reopened to change, as it stood then, and why
-- (domain::agenda::Revision). The agenda in force is the one in `agendas` and `agenda_items`.
CREATE TABLE agenda_revisions (
    meeting_id UUID NOT NULL REFERENCES meetings (id),
    format TEXT NOT NULL,
    number INTEGER NOT NULL,
    adopted_at TIMESTAMPTZ NOT NULL,
    reopened_at TIMESTAMPTZ NOT NULL,
    reason JSONB NOT NULL,
    items JSONB NOT NULL,
    PRIMARY KEY (meeting_id, format, number)
);
