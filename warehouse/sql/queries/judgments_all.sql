-- Every judgment, oldest first (the export's order).
SELECT judgment_id, target, article_id, article_url, text_hash, passage_id, text, narrative_id, stance, analyst,
       judged_at, model_id, catalog_hash, proposed_narrative_id, proposed_stance
FROM judgments
ORDER BY judged_at, judgment_id
