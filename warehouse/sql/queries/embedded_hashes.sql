-- Which of the given text hashes already have a vector for the given model.
SELECT text_hash FROM embeddings WHERE model_id = $model_id AND text_hash IN (SELECT unnest($hashes::VARCHAR[]))
