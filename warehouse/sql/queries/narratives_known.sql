-- The narrative ids of the stored catalogue, to name a mistyped filter.
SELECT narrative_id FROM narratives ORDER BY narrative_id
