-- A body's protocol rules: speakers, seating, family photo (domain::bodies::ProtocolPolicy).
ALTER TABLE bodies ADD COLUMN protocol JSONB NOT NULL DEFAULT '{}';
