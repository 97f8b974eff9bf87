-- The newest publication day classified: what "recent" is measured from (alerts' days, delivery).
SELECT max(day) FROM passage_classifications
