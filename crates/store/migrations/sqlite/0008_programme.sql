-- Travel times between an event's venues (domain::programme::Travel).
ALTER TABLE events ADD COLUMN travel JSON NOT NULL DEFAULT '[]';

-- The programme: timed items; cancelled ones stay, for calendars to say so.
CREATE TABLE programme_items (
    id BLOB PRIMARY KEY NOT NULL,
    event_id BLOB NOT NULL REFERENCES events (id),
    kind TEXT NOT NULL,
    title JSON NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    venue TEXT,
    room TEXT,
    meeting TEXT,
    attendees JSON NOT NULL,
    press TEXT NOT NULL,
    visibility TEXT NOT NULL,
    cancelled BOOLEAN NOT NULL DEFAULT FALSE,
    sequence INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX programme_items_event ON programme_items (event_id, starts_at);
