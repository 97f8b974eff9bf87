-- Validators of the newest successful fetch of a feed, for a conditional GET.
SELECT etag, last_modified
FROM feed_fetches
WHERE source_id = ? AND status IN ('ok', 'malformed', 'not_modified')
ORDER BY fetched_at DESC
LIMIT 1
