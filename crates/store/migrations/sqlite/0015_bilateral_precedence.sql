-- The requests a bilateral must follow, as the requesting delegation asked (domain::bilaterals):
-- ids of earlier requests of the same event that it is a side of.
ALTER TABLE bilateral_requests ADD COLUMN after_requests JSON NOT NULL DEFAULT '[]';
