-- What a window's clustering depends on: its candidate passages and the catalogue and model they were classified with.
SELECT count(*) AS n, coalesce(bit_xor(hash(pc.passage_id || pc.catalog_hash || pc.model_id || coalesce(pc.params_hash, ''))), 0) AS h
FROM passage_classifications pc
WHERE pc.day BETWEEN $start AND $end AND pc.source_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM passage_narratives pn WHERE pn.passage_id = pc.passage_id AND pn.score >= $max_score)
