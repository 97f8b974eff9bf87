-- The catalogue's label of each narrative id in $ids, for the legend under a table that lists narrative ids.
SELECT narrative_id, label FROM narratives WHERE list_contains($ids, narrative_id) ORDER BY narrative_id
