-- Passages the rule classifies again: what the head overruled of them is stale.
DELETE FROM overruled_passage_narratives WHERE passage_id IN (SELECT unnest($passage_ids::VARCHAR[]))
