-- Weekly value, interval, verdict and why it is inconclusive, for the report's small multiples, with what the
-- verdict was judged against (statement, threshold, sides, unit; NULL on rows not re-evaluated since migration 022).
SELECT hypothesis_id, week, value, ci_low, ci_high, evidence, verdict, coalesce(reason, '') AS reason,
       statement, threshold, two_sided, unit
FROM hypothesis_weekly
ORDER BY hypothesis_id, week
