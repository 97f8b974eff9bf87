-- What the warehouse's analysis covers, for the one-line "nothing new" answer: articles and passages classified,
-- and their first and last publication day.
SELECT count(DISTINCT article_id) AS articles, count(*) AS passages, min(day) AS first_day, max(day) AS last_day
FROM passage_classifications
