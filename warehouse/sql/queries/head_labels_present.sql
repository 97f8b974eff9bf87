-- Whether any head label or head change to the passage labels is stored: with no head configured, classify drops them
-- (queries/clear_head_labels), so there is work to do.
SELECT EXISTS (SELECT 1 FROM article_classifications)
    OR EXISTS (SELECT 1 FROM overruled_passage_narratives)
    OR EXISTS (SELECT 1 FROM passage_narratives WHERE origin = 'head')
