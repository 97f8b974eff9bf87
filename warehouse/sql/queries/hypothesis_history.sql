-- One hypothesis week by week: verdict, value with its 95% interval, evidence, and why a verdict is inconclusive.
SELECT week, verdict, round(value, 4) AS value, round(ci_low, 4) AS ci_low, round(ci_high, 4) AS ci_high, evidence,
       coalesce(reason, '') AS why
FROM hypothesis_weekly
WHERE hypothesis_id = $hypothesis_id
ORDER BY week
