-- Each narrative's catalogue label, so the report's tables name narratives as its charts do.
SELECT narrative_id, max(label) AS label FROM narratives GROUP BY narrative_id ORDER BY narrative_id
