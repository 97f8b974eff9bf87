-- ISO weeks with labelled passages: the weeks each hypothesis is evaluated on.
SELECT DISTINCT strftime(day, '%G-W%V') AS week FROM passage_narratives WHERE day IS NOT NULL ORDER BY week
