INSERT INTO hypothesis_weekly (hypothesis_id, week, value, ci_low, ci_high, evidence, verdict, reason, computed_at,
                               statement, threshold, two_sided, unit)
VALUES ($hypothesis_id, $week, $value, $ci_low, $ci_high, $evidence, $verdict, $reason, now(),
        $statement, $threshold, $two_sided, $unit)
ON CONFLICT (hypothesis_id, week) DO UPDATE SET
    value = excluded.value, ci_low = excluded.ci_low, ci_high = excluded.ci_high, evidence = excluded.evidence,
    verdict = excluded.verdict, reason = excluded.reason, computed_at = excluded.computed_at,
    statement = excluded.statement, threshold = excluded.threshold, two_sided = excluded.two_sided, unit = excluded.unit
