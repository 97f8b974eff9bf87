-- Weeks whose discovery failed, for the report.
SELECT week, attempts, failed_at, error FROM emerging_week_failures ORDER BY week
