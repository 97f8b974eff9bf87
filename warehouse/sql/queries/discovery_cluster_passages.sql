-- Passage ids per cluster over all weeks (tests and promotion).
SELECT DISTINCT cluster_id, passage_id FROM emerging_cluster_passages ORDER BY 1, 2
