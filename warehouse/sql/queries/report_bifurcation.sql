-- Camp divergence by ISO week with its bootstrap interval.
SELECT week, divergence, ci_low, ci_high, split_quality, n_outlets
FROM bifurcation_weekly
WHERE $since IS NULL OR week >= strftime(CAST($since AS DATE), '%G-W%V')
ORDER BY week
