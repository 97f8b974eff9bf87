-- Every stored member of the clusters that hold any of $ids.
SELECT m.passage_id, m.cluster_id
FROM reuse_members m
WHERE m.cluster_id IN (SELECT cluster_id FROM reuse_members WHERE passage_id IN (SELECT unnest($ids)))
