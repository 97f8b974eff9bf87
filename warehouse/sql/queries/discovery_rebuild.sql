-- emerging_clusters from the weekly rows: each cluster's latest week, its first week, merges and splits.
DELETE FROM emerging_clusters;
INSERT INTO emerging_clusters (cluster_id, first_seen, last_seen, label, keywords, size, articles, outlets, camps,
    nearest_narrative, similarity, status, central, merged_into, split_from, updated_at, off_topic, nearest_family,
    family_similarity, muted_topic, muted_similarity)
SELECT w.cluster_id, f.first_seen, w.week, array_to_string(w.keywords, ', '), w.keywords, w.passages, w.articles,
       w.outlets, w.camps, w.nearest_narrative, w.similarity,
       CASE WHEN w.status <> 'promoted' AND w.week < (SELECT max(week) FROM emerging_weeks) THEN 'fading' ELSE w.status END,
       w.central,
       (SELECT arg_max(e.other_id, e.week) FROM emerging_cluster_events e WHERE e.kind = 'merge' AND e.cluster_id = w.cluster_id),
       (SELECT arg_min(e.other_id, e.week) FROM emerging_cluster_events e WHERE e.kind = 'split' AND e.cluster_id = w.cluster_id),
       now(), w.off_topic, w.nearest_family, w.family_similarity, w.muted_topic, w.muted_similarity
FROM emerging_cluster_weekly w
JOIN (SELECT cluster_id, min(week) AS first_seen, max(week) AS last_seen FROM emerging_cluster_weekly GROUP BY cluster_id) f
  ON f.cluster_id = w.cluster_id AND f.last_seen = w.week
