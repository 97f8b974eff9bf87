-- Rows of hypotheses no longer in the file, or of weeks without labels any more.
DELETE FROM hypothesis_weekly WHERE NOT list_contains($ids, hypothesis_id) OR NOT list_contains($weeks, week)
