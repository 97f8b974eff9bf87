-- Clusters rebuilt from their seeds: their old rows go first.
DELETE FROM reuse_members WHERE cluster_id IN (SELECT unnest($ids));
DELETE FROM reuse_clusters WHERE cluster_id IN (SELECT unnest($ids));
