-- When a delegation was reminded of the accreditation deadline (each is reminded once).
ALTER TABLE delegations ADD COLUMN reminded_at TIMESTAMPTZ;
