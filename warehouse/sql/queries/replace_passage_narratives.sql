DELETE FROM passage_narratives WHERE passage_id IN (SELECT unnest($passage_ids::VARCHAR[]))
