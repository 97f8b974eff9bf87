-- Cached exemplar vectors of one model for the given text hashes.
SELECT text_hash, vector FROM exemplar_embeddings
WHERE model_id = $model_id AND text_hash IN (SELECT unnest($hashes::VARCHAR[]))
