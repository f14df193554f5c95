-- Requests for bilateral meetings on the sidelines (domain::bilaterals). A request is withdrawn,
-- never deleted; its last scheduler outcome and, once confirmed, its programme item are kept on it.
CREATE TABLE bilateral_requests (
    id BLOB PRIMARY KEY NOT NULL,
    event_id BLOB NOT NULL REFERENCES events (id),
    sides JSON NOT NULL,
    principals JSON NOT NULL,
    duration INTEGER NOT NULL,
    priority TEXT NOT NULL,
    windows JSON NOT NULL,
    note TEXT NOT NULL,
    withdrawn BOOLEAN NOT NULL DEFAULT FALSE,
    outcome JSON,
    item_id BLOB REFERENCES programme_items (id),
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX bilateral_requests_event ON bilateral_requests (event_id);
