-- Emerging alerts already stored for one ISO week (earlier runs, e.g. earlier days on the daily path): the weekly cap.
SELECT count(*) FROM alerts WHERE kind = 'emerging' AND evidence->>'week' = $week
