-- Alerts of one kind (or every kind) with their evidence, for `radar alerts --kind`; the summary is made from the
-- evidence by the same text the webhook receives.
SELECT day, kind, narrative_id AS subject, CASE WHEN camp = '*' THEN 'all camps' ELSE camp END AS camp,
       delivered_at IS NOT NULL AS delivered,
       -- why a due alert is not sent yet (webhook down; another alert's failure held it back)
       CASE WHEN delivered_at IS NULL AND delivery_error IS NOT NULL
            THEN delivery_error || ' (' || delivery_attempts || ' tries)' END AS waiting,
       CAST(evidence AS VARCHAR) AS evidence
FROM alerts
WHERE ($kind = 'all' OR kind = $kind) AND ($since IS NULL OR day >= CAST($since AS DATE))
ORDER BY day, kind, narrative_id, camp
