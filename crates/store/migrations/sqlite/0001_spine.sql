-- The spine: accounts, sessions, participants, bodies, events, meetings and the audit chain.
-- Kept equivalent to ../postgres/0001_spine.sql; a test compares the migrated schemas.
-- JSON, DATE and TIMESTAMP columns hold text (ISO 8601, JSON objects and arrays), which SQLite's
-- numeric affinity for those names leaves as it is.

CREATE TABLE participants (
    id BLOB PRIMARY KEY NOT NULL,
    code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('state', 'organisation')),
    short_name JSON NOT NULL,
    formal_name JSON NOT NULL,
    time_zone TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE bodies (
    id BLOB PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    name JSON NOT NULL,
    working_language TEXT NOT NULL,
    decision_rule TEXT NOT NULL,
    chair_rule JSON NOT NULL,
    precedence JSON NOT NULL,
    seat JSON NOT NULL,
    time_zone TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE memberships (
    id BLOB PRIMARY KEY NOT NULL,
    body_id BLOB NOT NULL REFERENCES bodies (id),
    participant_id BLOB NOT NULL REFERENCES participants (id),
    status TEXT NOT NULL,
    valid_from DATE NOT NULL,
    valid_until DATE,
    note TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX memberships_body ON memberships (body_id);

CREATE TABLE chairs (
    id BLOB PRIMARY KEY NOT NULL,
    body_id BLOB NOT NULL REFERENCES bodies (id),
    year INTEGER NOT NULL,
    chair_id BLOB NOT NULL REFERENCES participants (id),
    co_chair_ids JSON NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (body_id, year)
);

CREATE TABLE events (
    id BLOB PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    name JSON NOT NULL,
    host_id BLOB NOT NULL REFERENCES participants (id),
    city JSON NOT NULL,
    time_zone TEXT NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    venues JSON NOT NULL,
    created_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX events_start ON events (start_date);

CREATE TABLE meetings (
    id BLOB PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL,
    event_id BLOB NOT NULL REFERENCES events (id),
    body_id BLOB NOT NULL REFERENCES bodies (id),
    number INTEGER,
    title JSON NOT NULL,
    chair_id BLOB REFERENCES participants (id),
    formats JSON NOT NULL,
    date DATE NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (event_id, slug)
);
CREATE INDEX meetings_body ON meetings (body_id, date);

CREATE TABLE users (
    id BLOB PRIMARY KEY NOT NULL,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    demo BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE roles (
    id BLOB PRIMARY KEY NOT NULL,
    user_id BLOB NOT NULL REFERENCES users (id),
    role TEXT NOT NULL,
    body_id BLOB REFERENCES bodies (id),
    event_id BLOB REFERENCES events (id),
    participant_id BLOB REFERENCES participants (id)
);
CREATE INDEX roles_user ON roles (user_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id BLOB NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id BLOB PRIMARY KEY NOT NULL,
    user_id BLOB NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);

CREATE TABLE audit (
    seq INTEGER PRIMARY KEY NOT NULL,
    at TIMESTAMP NOT NULL,
    actor_id BLOB,
    actor_name TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id BLOB NOT NULL,
    action TEXT NOT NULL,
    before JSON,
    after JSON,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit (entity, entity_id);

-- The head of the audit chain, one row; advanced with UPDATE … RETURNING inside each writing
-- transaction, which serialises writers on the chain.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
