-- Private calendar feeds: a delegation's or a person's itinerary at an unguessable URL. Only the
-- SHA-256 of the secret is kept; a feed is revoked, never deleted.
CREATE TABLE feeds (
    id BLOB PRIMARY KEY NOT NULL,
    event_id BLOB NOT NULL REFERENCES events (id),
    delegation_id BLOB NOT NULL REFERENCES delegations (id),
    member_id BLOB REFERENCES members (id),
    secret_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX feeds_delegation ON feeds (delegation_id);
