-- A signer's name is kept in each language, as the position and the place are: the signature
-- block is printed in each. A name on record was written as signed, in the original's language.
ALTER TABLE signatures RENAME COLUMN person TO person_as_signed;
ALTER TABLE signatures ADD COLUMN person JSON NOT NULL DEFAULT '{}';
UPDATE signatures SET person = json_object(
    (SELECT original_language FROM documents d WHERE d.id = signatures.document_id), person_as_signed);
ALTER TABLE signatures DROP COLUMN person_as_signed;
