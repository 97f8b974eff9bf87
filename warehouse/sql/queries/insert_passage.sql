-- Passages of several articles in one statement (executemany costs a round trip per row).
INSERT INTO passages (passage_id, article_id, position, text, text_hash, char_start, char_end)
SELECT unnest($ids::VARCHAR[]), unnest($article_ids::VARCHAR[]), unnest($positions::INTEGER[]), unnest($texts::VARCHAR[]),
       unnest($hashes::VARCHAR[]), unnest($starts::INTEGER[]), unnest($ends::INTEGER[])
ON CONFLICT (passage_id) DO NOTHING
