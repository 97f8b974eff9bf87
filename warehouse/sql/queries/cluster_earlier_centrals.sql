-- A cluster's central passages of every week it was found, newest first (radar narratives promote).
SELECT central FROM emerging_cluster_weekly WHERE cluster_id = $cluster_id ORDER BY week DESC
