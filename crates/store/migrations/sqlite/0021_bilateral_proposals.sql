-- A bilateral request keeps whose its windows are and the windows the last proposal replaced
-- (domain::bilaterals::Request::propose), so that the sides asked again see what changed.
ALTER TABLE bilateral_requests ADD COLUMN windows_by TEXT;
ALTER TABLE bilateral_requests ADD COLUMN replaced JSON;
