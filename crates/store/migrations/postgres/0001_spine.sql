-- The spine: accounts, sessions, participants, bodies, events, meetings and the audit chain.
-- Kept equivalent to ../sqlite/0001_spine.sql; a test compares the migrated schemas.

CREATE TABLE participants (
    id UUID PRIMARY KEY NOT NULL,
    code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('state', 'organisation')),
    short_name JSONB NOT NULL,
    formal_name JSONB NOT NULL,
    time_zone TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE bodies (
    id UUID PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    name JSONB NOT NULL,
    working_language TEXT NOT NULL,
    decision_rule TEXT NOT NULL,
    chair_rule JSONB NOT NULL,
    precedence JSONB NOT NULL,
    seat JSONB NOT NULL,
    time_zone TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE memberships (
    id UUID PRIMARY KEY NOT NULL,
    body_id UUID NOT NULL REFERENCES bodies (id),
    participant_id UUID NOT NULL REFERENCES participants (id),
    status TEXT NOT NULL,
    valid_from DATE NOT NULL,
    valid_until DATE,
    note TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX memberships_body ON memberships (body_id);

CREATE TABLE chairs (
    id UUID PRIMARY KEY NOT NULL,
    body_id UUID NOT NULL REFERENCES bodies (id),
    year INTEGER NOT NULL,
    chair_id UUID NOT NULL REFERENCES participants (id),
    co_chair_ids JSONB NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (body_id, year)
);

CREATE TABLE events (
    id UUID PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    name JSONB NOT NULL,
    host_id UUID NOT NULL REFERENCES participants (id),
    city JSONB NOT NULL,
    time_zone TEXT NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    venues JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX events_start ON events (start_date);

CREATE TABLE meetings (
    id UUID PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL,
    event_id UUID NOT NULL REFERENCES events (id),
    body_id UUID NOT NULL REFERENCES bodies (id),
    number INTEGER,
    title JSONB NOT NULL,
    chair_id UUID REFERENCES participants (id),
    formats JSONB NOT NULL,
    date DATE NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (event_id, slug)
);
CREATE INDEX meetings_body ON meetings (body_id, date);

CREATE TABLE users (
    id UUID PRIMARY KEY NOT NULL,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    demo BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE roles (
    id UUID PRIMARY KEY NOT NULL,
    user_id UUID NOT NULL REFERENCES users (id),
    role TEXT NOT NULL,
    body_id UUID REFERENCES bodies (id),
    event_id UUID REFERENCES events (id),
    participant_id UUID REFERENCES participants (id)
);
CREATE INDEX roles_user ON roles (user_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id UUID NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id UUID PRIMARY KEY NOT NULL,
    user_id UUID NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);

CREATE TABLE audit (
    seq BIGINT PRIMARY KEY NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    actor_id UUID,
    actor_name TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id UUID NOT NULL,
    action TEXT NOT NULL,
    before JSONB,
    after JSONB,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit (entity, entity_id);

-- The head of the audit chain, one row; advanced with UPDATE … RETURNING inside each writing
-- transaction, which serialises writers on the chain.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
