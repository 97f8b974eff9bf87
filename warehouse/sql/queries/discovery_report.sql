-- Clusters for the report: those seen in the last two clustered weeks, largest first, off-topic ones last.
SELECT cluster_id, status, label, keywords, first_seen, last_seen, size, articles, outlets, camps, nearest_narrative,
       similarity, central, off_topic, nearest_family, family_similarity, muted_topic, muted_similarity
FROM emerging_clusters
WHERE last_seen >= coalesce((SELECT week FROM emerging_weeks ORDER BY week DESC LIMIT 1 OFFSET 1), '')
  AND merged_into IS NULL
ORDER BY coalesce(off_topic, false), CASE status WHEN 'new' THEN 0 WHEN 'growing' THEN 1 ELSE 2 END, articles DESC, cluster_id
LIMIT $limit
