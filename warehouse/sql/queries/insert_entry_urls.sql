INSERT INTO entry_urls (url, article_id, source_id, first_seen)
SELECT unnest($urls::VARCHAR[]), unnest($article_ids::VARCHAR[]), unnest($source_ids::VARCHAR[]), unnest($seen::TIMESTAMPTZ[])
ON CONFLICT (url) DO NOTHING
