-- Each hypothesis's verdict in week $week, with its value, interval, why it is inconclusive, and the verdict of the
-- week before (for the digest's "changed" mark).
SELECT hypothesis_id, verdict, previous, value, ci_low, ci_high, coalesce(reason, '') AS reason
FROM (
    SELECT *, lag(verdict) OVER (PARTITION BY hypothesis_id ORDER BY week) AS previous
    FROM hypothesis_weekly
)
WHERE week = $week
ORDER BY hypothesis_id
