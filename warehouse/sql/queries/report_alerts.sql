-- Spike alerts, newest first, with the narrative label and the evidence JSON.
SELECT a.day, a.narrative_id, coalesce(n.label, a.narrative_id) AS label,
       CASE WHEN a.camp = '*' THEN 'all camps' ELSE a.camp END AS camp,
       a.count, a.total, a.share, a.baseline, a.score, CAST(a.evidence AS VARCHAR) AS evidence
FROM alerts a
LEFT JOIN (SELECT DISTINCT narrative_id, label FROM narratives) n USING (narrative_id)
WHERE a.kind = 'spike' AND ($since IS NULL OR a.day >= CAST($since AS DATE))
ORDER BY a.day DESC, a.score DESC
