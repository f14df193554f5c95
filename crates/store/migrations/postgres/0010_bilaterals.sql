-- Requests for bilateral meetings on the sidelines (domain::bilaterals). A request is withdrawn,
-- never deleted; its last scheduler outcome and, once confirmed, its programme item are kept on it.
CREATE TABLE bilateral_requests (
    id UUID PRIMARY KEY NOT NULL,
    event_id UUID NOT NULL REFERENCES events (id),
    sides JSONB NOT NULL,
    principals JSONB NOT NULL,
    duration INTEGER NOT NULL,
    priority TEXT NOT NULL,
    windows JSONB NOT NULL,
    note TEXT NOT NULL,
    withdrawn BOOLEAN NOT NULL DEFAULT FALSE,
    outcome JSONB,
    item_id UUID REFERENCES programme_items (id),
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX bilateral_requests_event ON bilateral_requests (event_id);
