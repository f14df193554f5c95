-- Travel times between an event's venues (domain::programme::Travel).
ALTER TABLE events ADD COLUMN travel JSONB NOT NULL DEFAULT '[]';

-- The programme: timed items; cancelled ones stay, for calendars to say so.
CREATE TABLE programme_items (
    id UUID PRIMARY KEY NOT NULL,
    event_id UUID NOT NULL REFERENCES events (id),
    kind TEXT NOT NULL,
    title JSONB NOT NULL,
    starts_at TIMESTAMPTZ NOT NULL,
    ends_at TIMESTAMPTZ NOT NULL,
    venue TEXT,
    room TEXT,
    meeting TEXT,
    attendees JSONB NOT NULL,
    press TEXT NOT NULL,
    visibility TEXT NOT NULL,
    cancelled BOOLEAN NOT NULL DEFAULT FALSE,
    sequence BIGINT NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX programme_items_event ON programme_items (event_id, starts_at);
