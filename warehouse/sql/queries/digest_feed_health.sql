-- Feeds that need a look, by health.
SELECT health, string_agg(name, ', ' ORDER BY name), count(*) FROM feed_health
WHERE health IN ('failing', 'silent') GROUP BY health ORDER BY health
