-- emerging_clusters from the weekly rows: each cluster's latest week, its first week, merges and splits.
DELETE FROM emerging_clusters;
INSERT INTO emerging_clusters
SELECT w.cluster_id, f.first_seen, w.week, array_to_string(w.keywords, ', '), w.keywords, w.passages, w.articles,
       w.outlets, w.camps, w.nearest_narrative, w.similarity,
       CASE WHEN w.status <> 'promoted' AND w.week < (SELECT max(week) FROM emerging_weeks) THEN 'fading' ELSE w.status END,
       w.central,
       (SELECT arg_max(e.other_id, e.week) FROM emerging_cluster_events e WHERE e.kind = 'merge' AND e.cluster_id = w.cluster_id),
       (SELECT arg_min(e.other_id, e.week) FROM emerging_cluster_events e WHERE e.kind = 'split' AND e.cluster_id = w.cluster_id),
       now()
FROM emerging_cluster_weekly w
JOIN (SELECT cluster_id, min(week) AS first_seen, max(week) AS last_seen FROM emerging_cluster_weekly GROUP BY cluster_id) f
  ON f.cluster_id = w.cluster_id AND f.last_seen = w.week
