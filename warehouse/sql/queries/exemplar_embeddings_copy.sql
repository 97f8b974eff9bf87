-- A promoted cluster's passages become exemplars: their stored vectors are copied, not encoded again.
INSERT OR IGNORE INTO exemplar_embeddings (text_hash, model_id, dim, vector)
SELECT text_hash, model_id, dim, vector FROM embeddings WHERE list_contains($h, text_hash)
