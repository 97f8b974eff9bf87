-- Feeds that failed on each of their last 3 (or more) fetches, for the warning at the end of a run.
SELECT name, feed_url, consecutive_failures, last_success, last_error
FROM feed_health
WHERE flagged
ORDER BY consecutive_failures DESC, name
