-- Clusters for the report: those seen in the last two clustered weeks, largest first.
SELECT cluster_id, status, label, keywords, first_seen, last_seen, size, articles, outlets, camps, nearest_narrative,
       similarity, central
FROM emerging_clusters
WHERE last_seen >= coalesce((SELECT week FROM emerging_weeks ORDER BY week DESC LIMIT 1 OFFSET 1), '')
  AND merged_into IS NULL
ORDER BY CASE status WHEN 'new' THEN 0 WHEN 'growing' THEN 1 ELSE 2 END, articles DESC, cluster_id
LIMIT $limit
