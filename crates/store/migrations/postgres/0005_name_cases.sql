-- The case forms of a participant's names (domain::participants::NameCases).
ALTER TABLE participants ADD COLUMN cases JSONB NOT NULL DEFAULT '{}';
