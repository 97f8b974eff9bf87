-- (narrative, outlet, published_at) of every article carrying a narrative, from $first to $last (the waves).
SELECT DISTINCT l.narrative_id, l.source_id, a.published_at
FROM passage_narratives l JOIN articles a ON a.article_id = l.article_id
WHERE l.day BETWEEN $first AND $last AND a.published_at IS NOT NULL
