UPDATE alerts SET delivered_at = now(), delivery_attempts = delivery_attempts + 1, delivery_error = NULL
WHERE alert_id = $alert_id
