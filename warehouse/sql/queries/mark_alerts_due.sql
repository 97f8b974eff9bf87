-- Due alerts are marked before any POST, so a run killed half-way leaves them due.
UPDATE alerts SET delivery_error = coalesce(delivery_error, 'due, not sent yet') WHERE list_contains($ids, alert_id)
