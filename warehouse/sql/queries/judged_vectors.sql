-- Stored passage vectors of one model for the given text hashes (judged passages' texts).
SELECT text_hash, vector FROM embeddings
WHERE model_id = $model_id AND text_hash IN (SELECT unnest($hashes::VARCHAR[]))
