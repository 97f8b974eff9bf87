-- Camp divergence by ISO week (trailing window): both null-corrected indices, the label index's outlet-bootstrap
-- interval and each index's null 95th percentile.
SELECT week, divergence, ci_low, ci_high, null_p95, p_value, embedding_index, embedding_null_p95, embedding_p_value,
       split_quality, n_outlets
FROM bifurcation_weekly
WHERE $since IS NULL OR week >= strftime(CAST($since AS DATE), '%G-W%V')
ORDER BY week
