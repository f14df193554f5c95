-- The case forms press releases build sentences with: a member's name and position
-- (domain::delegations::PersonCases), a meeting's title and an event's city (domain::text::CaseForms).
-- Kept equivalent to ../postgres/0013_case_forms.sql; a test compares the migrated schemas.
ALTER TABLE members ADD COLUMN cases JSON NOT NULL DEFAULT '{}';
ALTER TABLE meetings ADD COLUMN cases JSON NOT NULL DEFAULT '{}';
ALTER TABLE events ADD COLUMN city_cases JSON NOT NULL DEFAULT '{}';
