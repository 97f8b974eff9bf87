-- Per-source health and volume: the demo's closing table.
SELECT
    s.name,
    s.camp,
    (SELECT f.status FROM feed_fetches f WHERE f.source_id = s.source_id ORDER BY f.fetched_at DESC LIMIT 1) AS last_fetch,
    count(DISTINCT a.article_id) FILTER (WHERE a.status IN ('ok', 'feed_only')) AS articles,
    count(DISTINCT a.article_id) FILTER (WHERE a.status NOT IN ('ok', 'feed_only')) AS failed,
    count(p.passage_id) AS passages,
    min(a.published_at)::DATE AS first_day,
    max(a.published_at)::DATE AS last_day
FROM sources s
LEFT JOIN articles a ON a.source_id = s.source_id
LEFT JOIN passages p ON p.article_id = a.article_id
GROUP BY s.source_id, s.name, s.camp
ORDER BY s.camp, s.name
