-- Copying articles published from $first to $last, with the copying and the copied outlet.
SELECT r.source_id, r.original_source_id, a.published_at::DATE AS day, oa.published_at::DATE AS original_day
FROM reuse_article_copies r
JOIN articles a ON a.article_id = r.article_id
JOIN articles oa ON oa.article_id = r.original_article_id
WHERE a.published_at::DATE BETWEEN $first AND $last OR oa.published_at::DATE BETWEEN $first AND $last
