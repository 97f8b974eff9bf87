INSERT INTO exemplar_embeddings (text_hash, model_id, dim, vector)
SELECT unnest($hashes::VARCHAR[]), $model_id, $dim, unnest($vectors::FLOAT[][])
ON CONFLICT DO NOTHING
