-- Per outlet, ISO week, narrative and stance: passages, each split evenly among its narratives.
WITH labels AS (
    SELECT source_id, strftime(day, '%G-W%V') AS week, narrative_id, stance,
           1.0 / count(*) OVER (PARTITION BY passage_id) AS weight
    FROM passage_narratives
    WHERE day BETWEEN $start AND $end AND source_id IS NOT NULL
)
SELECT source_id, week, narrative_id, stance, sum(weight) FROM labels GROUP BY ALL
