-- The host's settings for the scheduler (domain::bilaterals::Settings), one row per event: the
-- hours, grid, buffer and meetings a day of its last run, which the next run starts from.
CREATE TABLE bilateral_settings (
    event_id UUID PRIMARY KEY NOT NULL REFERENCES events (id),
    settings JSONB NOT NULL
);
