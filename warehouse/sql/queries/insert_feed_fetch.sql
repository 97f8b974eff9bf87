INSERT INTO feed_fetches
    (fetch_id, run_id, source_id, feed_url, fetched_at, http_status, etag, last_modified, n_entries, n_new, status, error)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (fetch_id) DO NOTHING
