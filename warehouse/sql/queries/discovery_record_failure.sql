-- A week's discovery failed: record when and why, counting failures in a row.
INSERT INTO emerging_week_failures VALUES ($week, now(), $error, 1)
ON CONFLICT (week) DO UPDATE SET failed_at = excluded.failed_at, error = excluded.error,
                                 attempts = emerging_week_failures.attempts + 1
