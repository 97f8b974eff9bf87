-- `radar copies`: one row per copying article, newest first, with the original's outlet and URL.
SELECT a.published_at::DATE AS day, s.name AS outlet, o.name AS copied_from, r.copied_passages AS passages,
       r.article_passages AS of_passages, round(r.share, 2) AS share, r.whole_article,
       round(r.lag_hours, 1) AS lag_hours, a.url, oa.url AS original_url
FROM reuse_article_copies r
JOIN articles a ON a.article_id = r.article_id
JOIN articles oa ON oa.article_id = r.original_article_id
JOIN sources s ON s.source_id = r.source_id
JOIN sources o ON o.source_id = r.original_source_id
WHERE $since IS NULL OR a.published_at >= CAST($since AS DATE)
ORDER BY a.published_at DESC, a.url
