-- Failing and silent feeds, for the WARNING lines at the end of every run.
SELECT name, feed_url, health, consecutive_failures, last_success, last_error, quiet_days, usual_interval_days,
       silent_after_days
FROM feed_health
WHERE health IN ('failing', 'silent')
ORDER BY health, consecutive_failures DESC, name
