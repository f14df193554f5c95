-- A release the accredited press have read under embargo keeps saying so when it is taken back to
-- the desk or scheduled instead (domain::press::PressRelease::held_by_press): every later change of
-- its text is a correction. Kept equivalent to ../sqlite/0023_press_held.sql.
ALTER TABLE press_releases ADD COLUMN held_by_press BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE press_releases SET held_by_press = TRUE WHERE status = 'embargoed';
