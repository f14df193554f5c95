-- Each adopted agenda the meeting reopened to change, as it stood then, and why
-- (domain::agenda::Revision). The agenda in force is the one in `agendas` and `agenda_items`.
CREATE TABLE agenda_revisions (
    meeting_id BLOB NOT NULL REFERENCES meetings (id),
    format TEXT NOT NULL,
    number INTEGER NOT NULL,
    adopted_at TIMESTAMP NOT NULL,
    reopened_at TIMESTAMP NOT NULL,
    reason JSON NOT NULL,
    items JSON NOT NULL,
    PRIMARY KEY (meeting_id, format, number)
);
