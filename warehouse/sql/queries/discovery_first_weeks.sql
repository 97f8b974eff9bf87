-- Each cluster's first week before $week (a cluster first seen earlier is not "new").
SELECT cluster_id, min(week) FROM emerging_cluster_weekly WHERE week < $week GROUP BY cluster_id
