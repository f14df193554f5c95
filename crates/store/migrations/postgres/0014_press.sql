-- The press office (domain::press): releases with their timing and corrections, press photos with
-- their credits (the pixels live in `photos`, re-encoded), and journalists' applications for media
-- accreditation. Kept equivalent to ../sqlite/0014_press.sql; a test compares the migrated schemas.

-- Released (status scheduled, embargoed or published) once `release_at` has passed: no job flips
-- a status. `photos` is a JSON array of press photo ids (hexadecimal), in order; `corrections` a
-- JSON array of domain::press::Correction, oldest first.
CREATE TABLE press_releases (
    id UUID PRIMARY KEY NOT NULL,
    event_id UUID NOT NULL REFERENCES events (id),
    title JSONB NOT NULL,
    body JSONB NOT NULL,
    status TEXT NOT NULL,
    release_at TIMESTAMPTZ,
    photos JSONB NOT NULL,
    corrections JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX press_releases_event ON press_releases (event_id);
CREATE INDEX press_releases_release_at ON press_releases (release_at);

-- A press photo's pixels are the `photos` row of the same id (photo_id = id when written).
CREATE TABLE press_photos (
    id UUID PRIMARY KEY NOT NULL,
    event_id UUID NOT NULL REFERENCES events (id),
    photo_id UUID NOT NULL REFERENCES photos (id),
    caption JSONB NOT NULL,
    credit TEXT NOT NULL,
    item_id UUID REFERENCES programme_items (id),
    public BOOLEAN NOT NULL DEFAULT FALSE,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX press_photos_event ON press_photos (event_id, created_at);

-- user_id: the press account made on approval.
CREATE TABLE media_applications (
    id UUID PRIMARY KEY NOT NULL,
    event_id UUID NOT NULL REFERENCES events (id),
    name TEXT NOT NULL,
    outlet TEXT NOT NULL,
    country TEXT NOT NULL,
    email TEXT NOT NULL,
    press_card TEXT NOT NULL,
    photo_id UUID REFERENCES photos (id),
    status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    user_id UUID REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX media_applications_event ON media_applications (event_id, created_at);
