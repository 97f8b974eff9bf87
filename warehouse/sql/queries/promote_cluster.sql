SELECT keywords, central, nearest_narrative, status FROM emerging_clusters WHERE cluster_id = $cluster_id
