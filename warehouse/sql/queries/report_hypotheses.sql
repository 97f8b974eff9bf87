-- Weekly value, interval and verdict of every hypothesis, for the report's small multiples.
SELECT hypothesis_id, week, value, ci_low, ci_high, evidence, verdict
FROM hypothesis_weekly
ORDER BY hypothesis_id, week
