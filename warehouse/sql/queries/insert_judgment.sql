-- One judgment; a judgment already stored (same id) is kept as it was: judgments are never rewritten.
INSERT INTO judgments (judgment_id, target, article_id, article_url, text_hash, passage_id, text, narrative_id, stance,
                       analyst, judged_at, model_id, catalog_hash, proposed_narrative_id, proposed_stance)
VALUES ($judgment_id, $target, $article_id, $article_url, $text_hash, $passage_id, $text, $narrative_id, $stance,
        $analyst, $judged_at, $model_id, $catalog_hash, $proposed_narrative_id, $proposed_stance)
ON CONFLICT (judgment_id) DO NOTHING
