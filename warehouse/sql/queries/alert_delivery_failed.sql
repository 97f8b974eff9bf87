UPDATE alerts SET delivery_attempts = delivery_attempts + 1, delivery_error = $error WHERE alert_id = $alert_id
