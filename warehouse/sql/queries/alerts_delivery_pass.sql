-- When the previous delivery pass started (NULL before the first).
SELECT value FROM analysis_state WHERE name = 'alerts_delivery_pass'
