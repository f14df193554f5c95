-- When a member holds the position they carry at the event (domain::delegations::Tenure).
ALTER TABLE members ADD COLUMN tenure_from DATE;
ALTER TABLE members ADD COLUMN tenure_until DATE;
