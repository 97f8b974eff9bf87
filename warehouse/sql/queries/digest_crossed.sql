-- Outlets that crossed the camp split this week.
SELECT s.name, o.stable_side FROM outlet_alignment_weekly o JOIN sources s USING (source_id)
WHERE o.week = $week AND o.crossed ORDER BY s.name
