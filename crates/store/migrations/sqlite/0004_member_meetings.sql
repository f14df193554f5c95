-- The meetings of the event a member sits in (slugs); empty: all of them.
ALTER TABLE members ADD COLUMN meetings JSON NOT NULL DEFAULT '[]';
