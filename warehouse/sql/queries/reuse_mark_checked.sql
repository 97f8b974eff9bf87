-- Articles compared for copies (the reuse step's memory).
INSERT INTO reuse_checked SELECT unnest($ids), $now ON CONFLICT (article_id) DO NOTHING
