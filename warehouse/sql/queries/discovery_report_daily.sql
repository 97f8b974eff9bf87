-- Daily passages and articles of the given clusters (the emerging_daily view).
SELECT cluster_id, day, passages, articles FROM emerging_daily
WHERE list_contains($ids::VARCHAR[], cluster_id) AND ($since IS NULL OR day >= CAST($since AS DATE))
ORDER BY cluster_id, day
