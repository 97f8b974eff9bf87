-- Crossing alerts for an outlet and side after $after (its cooldown).
SELECT count(*) FROM alerts WHERE narrative_id = $key AND camp = $camp AND day > $after
