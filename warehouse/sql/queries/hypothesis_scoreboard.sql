-- Latest verdict of each hypothesis, value with its interval, and the verdicts of the last $weeks weeks (oldest
-- first; s = supported, c = contradicted, i = inconclusive), and why the latest verdict is inconclusive.
WITH ranked AS (
    SELECT *, row_number() OVER (PARTITION BY hypothesis_id ORDER BY week DESC) AS age
    FROM hypothesis_weekly
)
SELECT hypothesis_id, max(week) FILTER (WHERE age = 1) AS week,
       any_value(verdict) FILTER (WHERE age = 1) AS verdict,
       any_value(printf('%.3f [%.3f, %.3f]', value, ci_low, ci_high)) FILTER (WHERE age = 1 AND value IS NOT NULL)
           AS value_ci95,
       any_value(evidence) FILTER (WHERE age = 1) AS evidence,
       string_agg(left(verdict, 1), ' ' ORDER BY week) FILTER (WHERE age <= $weeks) AS trend,
       any_value(reason) FILTER (WHERE age = 1) AS why
FROM ranked
GROUP BY hypothesis_id
ORDER BY hypothesis_id
