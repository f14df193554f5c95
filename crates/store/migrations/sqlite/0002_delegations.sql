-- Delegations, their members, badges, photos and the outbox of notices.
-- Kept equivalent to ../postgres/0002_delegations.sql. Ids are BLOB (UUID bytes); photo bytes BYTES.

ALTER TABLE events ADD COLUMN accreditation_deadline TIMESTAMP;

CREATE TABLE delegations (
    id BLOB PRIMARY KEY NOT NULL,
    event_id BLOB NOT NULL REFERENCES events (id),
    participant_id BLOB NOT NULL REFERENCES participants (id),
    status TEXT NOT NULL,
    email TEXT NOT NULL,
    invitation_hash TEXT NOT NULL UNIQUE,
    invited_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (event_id, participant_id)
);

CREATE TABLE photos (
    id BLOB PRIMARY KEY NOT NULL,
    jpeg BYTES NOT NULL,
    thumbnail BYTES NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE members (
    id BLOB PRIMARY KEY NOT NULL,
    delegation_id BLOB NOT NULL REFERENCES delegations (id),
    event_id BLOB NOT NULL REFERENCES events (id),
    names JSON NOT NULL,
    position JSON NOT NULL,
    rank TEXT NOT NULL,
    role TEXT NOT NULL,
    formats JSON NOT NULL,
    private JSON NOT NULL,
    photo_id BLOB REFERENCES photos (id),
    accreditation TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    badge_number INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (event_id, badge_number)
);
CREATE INDEX members_delegation ON members (delegation_id);
CREATE INDEX members_event ON members (event_id, accreditation);

-- Printed badges: the QR code carries only the opaque id. Reprinting issues a new badge and
-- revokes the old one, so a lost badge stops opening doors.
CREATE TABLE badges (
    id TEXT PRIMARY KEY NOT NULL,
    member_id BLOB NOT NULL REFERENCES members (id),
    event_id BLOB NOT NULL REFERENCES events (id),
    issued_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    revoked_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX badges_member ON badges (member_id);

-- Notices to people: shown in the app and sent by e-mail from this outbox.
CREATE TABLE notices (
    id BLOB PRIMARY KEY NOT NULL,
    user_id BLOB REFERENCES users (id),
    email TEXT NOT NULL,
    lang TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX notices_unsent ON notices (sent_at, created_at);
CREATE INDEX notices_user ON notices (user_id, created_at);

-- Where a user's notices go by e-mail (empty: only in the app).
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
