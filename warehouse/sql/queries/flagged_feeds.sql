-- Failing and silent feeds of the run's sources file ($ids: an outlet taken out of the file, often for failing, is
-- not flagged again every run), for the WARNING lines at the end of every run.
SELECT name, feed_url, health, consecutive_failures, last_success, last_error, quiet_days, usual_interval_days,
       silent_after_days
FROM feed_health
WHERE health IN ('failing', 'silent') AND list_contains($ids, source_id)
ORDER BY health, consecutive_failures DESC, name
