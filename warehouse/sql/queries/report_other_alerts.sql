-- Alerts other than spikes (crossings, emerging clusters, forecast verdict changes), newest first, for the report's
-- alerts section: each is shown by the headline the webhook receives.
SELECT day, kind, CAST(evidence AS VARCHAR) AS evidence
FROM alerts
WHERE kind <> 'spike' AND ($since IS NULL OR day >= CAST($since AS DATE))
ORDER BY day DESC, kind, narrative_id
