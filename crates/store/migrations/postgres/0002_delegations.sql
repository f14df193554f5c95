-- Delegations, their members, badges, photos and the outbox of notices.
-- Kept equivalent to ../sqlite/0002_delegations.sql.

ALTER TABLE events ADD COLUMN accreditation_deadline TIMESTAMPTZ;

CREATE TABLE delegations (
    id UUID PRIMARY KEY NOT NULL,
    event_id UUID NOT NULL REFERENCES events (id),
    participant_id UUID NOT NULL REFERENCES participants (id),
    status TEXT NOT NULL,
    email TEXT NOT NULL,
    invitation_hash TEXT NOT NULL UNIQUE,
    invited_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (event_id, participant_id)
);

CREATE TABLE photos (
    id UUID PRIMARY KEY NOT NULL,
    jpeg BYTEA NOT NULL,
    thumbnail BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE members (
    id UUID PRIMARY KEY NOT NULL,
    delegation_id UUID NOT NULL REFERENCES delegations (id),
    event_id UUID NOT NULL REFERENCES events (id),
    names JSONB NOT NULL,
    position JSONB NOT NULL,
    rank TEXT NOT NULL,
    role TEXT NOT NULL,
    formats JSONB NOT NULL,
    private JSONB NOT NULL,
    photo_id UUID REFERENCES photos (id),
    accreditation TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    badge_number BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (event_id, badge_number)
);
CREATE INDEX members_delegation ON members (delegation_id);
CREATE INDEX members_event ON members (event_id, accreditation);

-- Printed badges: the QR code carries only the opaque id. Reprinting issues a new badge and
-- revokes the old one, so a lost badge stops opening doors.
CREATE TABLE badges (
    id TEXT PRIMARY KEY NOT NULL,
    member_id UUID NOT NULL REFERENCES members (id),
    event_id UUID NOT NULL REFERENCES events (id),
    issued_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ,
    revoked_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX badges_member ON badges (member_id);

-- Notices to people: shown in the app and sent by e-mail from this outbox.
CREATE TABLE notices (
    id UUID PRIMARY KEY NOT NULL,
    user_id UUID REFERENCES users (id),
    email TEXT NOT NULL,
    lang TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    sent_at TIMESTAMPTZ,
    attempts BIGINT NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX notices_unsent ON notices (sent_at, created_at);
CREATE INDEX notices_user ON notices (user_id, created_at);

-- Where a user's notices go by e-mail (empty: only in the app).
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
