SELECT count(*) FROM exemplar_embeddings
