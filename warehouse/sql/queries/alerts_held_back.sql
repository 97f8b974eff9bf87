-- Alerts not tried because the webhook failed on another: why they wait for the next run.
UPDATE alerts SET delivery_error = $why WHERE list_contains($ids, alert_id)
