INSERT INTO passages (passage_id, article_id, position, text, text_hash, char_start, char_end)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (passage_id) DO NOTHING
