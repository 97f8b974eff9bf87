-- Weekly value, interval, verdict and why it is inconclusive, for the report's small multiples.
SELECT hypothesis_id, week, value, ci_low, ci_high, evidence, verdict, coalesce(reason, '') AS reason
FROM hypothesis_weekly
ORDER BY hypothesis_id, week
