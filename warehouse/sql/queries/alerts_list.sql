-- Spike alerts (forecast verdict changes are listed by `radar hypotheses`), with their strongest evidence.
SELECT day, narrative_id, CASE WHEN camp = '*' THEN 'all camps' ELSE camp END AS camp, count,
       round(100 * share, 1) AS share_pct, round(100 * baseline, 1) AS baseline_pct,
       round(score, 1) AS "-log10 p",
       -- which event: a spike of claims or of rebuttals (alerts stored before the counts show null)
       CAST(json_extract(evidence, '$.stances.claim') AS INTEGER) AS claims,
       CAST(json_extract(evidence, '$.stances.rebuttal') AS INTEGER) AS rebuttals,
       json_extract_string(evidence, '$.top_passages[0].outlet') AS top_outlet,
       left(json_extract_string(evidence, '$.top_passages[0].text'), 90) AS top_passage,
       delivered_at IS NOT NULL AS delivered,
       -- why a due alert is not sent yet (webhook down; another alert's failure held it back)
       CASE WHEN delivered_at IS NULL AND delivery_error IS NOT NULL
            THEN delivery_error || ' (' || delivery_attempts || ' tries)' END AS waiting
FROM alerts
WHERE kind = 'spike' AND ($since IS NULL OR day >= CAST($since AS DATE))
ORDER BY day, narrative_id, camp
