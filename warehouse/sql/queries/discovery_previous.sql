-- Clusters found in the weeks from $first to $week (the latest row of each), to give this week's clusters their ids.
SELECT cluster_id, arg_max(centroid, week) AS centroid, arg_max(passages, week) AS passages, min(week) AS first_seen,
       max(week) AS last_seen
FROM emerging_cluster_weekly WHERE week BETWEEN $first AND $week
GROUP BY cluster_id ORDER BY cluster_id
