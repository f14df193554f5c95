-- A signer's name is kept in each language, as the position and the place are: the signature
-- block is printed in each. A name on record was written as signed, in the original's language.
ALTER TABLE signatures ADD COLUMN person_in_languages JSONB;
UPDATE signatures s SET person_in_languages = jsonb_build_object(d.original_language, s.person)
    FROM documents d WHERE d.id = s.document_id;
ALTER TABLE signatures DROP COLUMN person;
ALTER TABLE signatures RENAME COLUMN person_in_languages TO person;
ALTER TABLE signatures ALTER COLUMN person SET NOT NULL;
