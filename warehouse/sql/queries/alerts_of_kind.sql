-- Alerts of one kind (or every kind) with their evidence, for `radar alerts --kind`; the summary is made from the
-- evidence by the same text the webhook receives.
SELECT day, kind, narrative_id AS subject, CASE WHEN camp = '*' THEN 'all camps' ELSE camp END AS camp,
       delivered_at IS NOT NULL AS delivered, CAST(evidence AS VARCHAR) AS evidence
FROM alerts
WHERE ($kind = 'all' OR kind = $kind) AND ($since IS NULL OR day >= CAST($since AS DATE))
ORDER BY day, kind, narrative_id, camp
