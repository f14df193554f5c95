-- A confirmed bilateral is shown to its sides and the host only (visibility `attendees`), no
-- longer to every delegation: the meetings confirmed before keep to their sides too, and so do
-- those cancelled since (cancelling one releases its request, which then no longer names it).
UPDATE programme_items SET visibility = 'attendees'
    WHERE visibility = 'participants'
      AND (id IN (SELECT item_id FROM bilateral_requests WHERE item_id IS NOT NULL)
           OR (kind = 'bilateral' AND cancelled));
