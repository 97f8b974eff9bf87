-- Earliest publication day classified since the last analysis (NULL: nothing new to analyse).
SELECT min(day)
FROM passage_classifications
WHERE day IS NOT NULL
  AND classified_at > coalesce((SELECT value FROM analysis_state WHERE name = 'analyzed_until'), TIMESTAMPTZ '1970-01-01')
