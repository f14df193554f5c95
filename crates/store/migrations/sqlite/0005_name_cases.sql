-- The case forms of a participant's names (domain::participants::NameCases).
ALTER TABLE participants ADD COLUMN cases JSON NOT NULL DEFAULT '{}';
