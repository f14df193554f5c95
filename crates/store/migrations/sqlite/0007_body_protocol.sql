-- A body's protocol rules: speakers, seating, family photo (domain::bodies::ProtocolPolicy).
ALTER TABLE bodies ADD COLUMN protocol JSON NOT NULL DEFAULT '{}';
