-- A batch of articles in one statement; same conflict rule as one at a time.
INSERT INTO articles
    (article_id, source_id, url, canonical_url, guid, title, author, published_at, date_source, fetched_at,
     language, text, text_source, content_hash, status, error, run_id)
SELECT unnest($article_id::VARCHAR[]), unnest($source_id::VARCHAR[]), unnest($url::VARCHAR[]),
       unnest($canonical_url::VARCHAR[]), unnest($guid::VARCHAR[]), unnest($title::VARCHAR[]),
       unnest($author::VARCHAR[]), unnest($published_at::TIMESTAMPTZ[]), unnest($date_source::VARCHAR[]),
       unnest($fetched_at::TIMESTAMPTZ[]), unnest($language::VARCHAR[]), unnest($text::VARCHAR[]),
       unnest($text_source::VARCHAR[]), unnest($content_hash::VARCHAR[]), unnest($status::VARCHAR[]),
       unnest($error::VARCHAR[]), unnest($run_id::VARCHAR[])
ON CONFLICT (article_id) DO UPDATE SET
    title = excluded.title, author = excluded.author, published_at = excluded.published_at,
    date_source = excluded.date_source, fetched_at = excluded.fetched_at, language = excluded.language,
    text = excluded.text, text_source = excluded.text_source, content_hash = excluded.content_hash,
    status = excluded.status, error = excluded.error, run_id = excluded.run_id
-- A stored article with text is never replaced by a failed retry of it.
WHERE articles.status = 'failed' OR excluded.status <> 'failed'
