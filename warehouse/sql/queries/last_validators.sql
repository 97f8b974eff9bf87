-- Validators of the newest successful fetch of a feed, for a conditional GET; only from the same URL (an outlet
-- whose feed moved, keeping its `id`, asks the new URL for everything).
SELECT etag, last_modified
FROM feed_fetches
WHERE source_id = ? AND feed_url = ? AND status IN ('ok', 'malformed', 'not_modified')
ORDER BY fetched_at DESC
LIMIT 1
