-- Alerts the webhook should get now, oldest first: not delivered, and either recent (on or after $recent_from) or,
-- on or after $retry_from, stored since the previous delivery pass ($last_pass; NULL on the first pass, so a first
-- run over history sends only what is recent: runs were missed, or a feed's late articles made it) or due before
-- and not delivered (delivery_error set: the webhook was down).
SELECT alert_id, evidence
FROM alerts
WHERE delivered_at IS NULL
  AND (day >= $recent_from
       OR (day >= $retry_from AND (created_at > $last_pass OR delivery_error IS NOT NULL)))
ORDER BY day, alert_id
