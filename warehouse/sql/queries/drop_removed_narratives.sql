-- Narratives the catalogue no longer holds.
DELETE FROM narratives WHERE NOT list_contains(CAST($ids AS VARCHAR[]), narrative_id)
