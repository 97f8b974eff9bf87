-- First and last publication day with classified passages.
SELECT min(day), max(day) FROM passage_classifications WHERE day IS NOT NULL
