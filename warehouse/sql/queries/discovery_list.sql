-- The clusters found in $week (default: the latest clustered week), newest status first, with every article URL;
-- retained: kept under its id by hysteresis that week; off-topic clusters (never alerted) after the others.
WITH shown AS (SELECT coalesce(CAST($week AS VARCHAR), (SELECT max(week) FROM emerging_weeks)) AS week)
SELECT w.cluster_id, w.week, w.status, c.first_seen, c.last_seen, w.keywords, w.outlets, w.camps, w.passages,
       w.articles, w.week_articles, w.previous_articles, w.nearest_narrative, w.similarity, w.window_neighbours,
       w.reference_neighbours, w.novelty_p, w.off_topic, w.nearest_family, w.family_similarity, w.muted_topic,
       w.muted_similarity, c.merged_into,
       c.split_from, w.central,
       EXISTS (SELECT 1 FROM emerging_cluster_events e
               WHERE e.kind = 'retained' AND e.cluster_id = w.cluster_id AND e.week = w.week) AS retained,
       (SELECT list(DISTINCT coalesce(a.canonical_url, a.url) ORDER BY coalesce(a.canonical_url, a.url))
        FROM emerging_cluster_passages m JOIN articles a USING (article_id)
        WHERE m.cluster_id = w.cluster_id AND m.week = w.week) AS urls
FROM emerging_cluster_weekly w JOIN emerging_clusters c USING (cluster_id)
WHERE w.week = (SELECT week FROM shown)
ORDER BY coalesce(w.off_topic, false), CASE w.status WHEN 'new' THEN 0 WHEN 'growing' THEN 1 WHEN 'stable' THEN 2 ELSE 3 END, w.articles DESC, w.cluster_id
