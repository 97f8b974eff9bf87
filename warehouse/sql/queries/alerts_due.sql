-- Alerts the webhook should get now, oldest first: not delivered, and either recent (on or after $recent_from) or,
-- on or after $retry_from, on a day the previous delivery pass had not seen ($seen; NULL on the first pass: a first
-- run over history sends only what is recent) or due before and not delivered (delivery_error set: webhook down).
SELECT alert_id, evidence
FROM alerts
WHERE delivered_at IS NULL
  AND (day >= $recent_from
       OR (day >= $retry_from AND (day > $seen OR delivery_error IS NOT NULL)))
ORDER BY day, alert_id
