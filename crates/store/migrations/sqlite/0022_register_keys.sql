-- A document keeps the key its register number is ordered by (domain::documents::register_key:
-- ICU's collation, numbers by value) and the rules that made it; the store makes the keys of
-- rows older than the rules when it opens (store::documents::make_keys).
ALTER TABLE documents ADD COLUMN register_key BYTES NOT NULL DEFAULT x'';
ALTER TABLE documents ADD COLUMN register_collation INTEGER NOT NULL DEFAULT 0;
CREATE INDEX documents_register_collation ON documents (register_collation);
