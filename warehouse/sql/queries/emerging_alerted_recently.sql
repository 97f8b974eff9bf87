-- Emerging alerts for a cluster within its cooldown (after $after) or on the same day (the same alert id).
SELECT count(*) FROM alerts WHERE narrative_id = $key AND (day > $after OR day = $day)
