-- Member passages of each cluster found in the weeks from $first to $week, from its latest week (for matching).
SELECT p.cluster_id, list(p.passage_id ORDER BY p.passage_id)
FROM emerging_cluster_passages p
JOIN (SELECT cluster_id, max(week) AS week FROM emerging_cluster_weekly WHERE week BETWEEN $first AND $week
      GROUP BY cluster_id) latest USING (cluster_id, week)
GROUP BY p.cluster_id
