-- Passages the review queue may offer, one row each with the proposal the analyst will see: its strongest label,
-- from passage_narratives (the rule's, or the head's where origin = 'head') or, where the head overruled the
-- rule's label, the rule's overruled one. `disagreement` names how the head and the exemplar rule disagree;
-- `alert_rank` is 0 for the evidence of the newest spike alert (its top passages, as its evidence lists them),
-- 1 for the next..., NULL for none. Vectors are of `$model_id`. Of the rest, each narrative offers only its
-- `$per_narrative` least sure passages (score nearest its threshold: `$thresholds` of `$narratives`, else
-- `$default_threshold`), so a warehouse of millions of labels hands the queue a few thousand rows.
WITH labels AS (
    SELECT passage_id, narrative_id, stance, score, model_id, catalog_hash, coalesce(origin, 'rule') AS origin
    FROM passage_narratives
    UNION ALL
    SELECT passage_id, narrative_id, stance, score, model_id, catalog_hash, 'overruled' AS origin
    FROM overruled_passage_narratives
),
best AS (
    SELECT passage_id, narrative_id, stance, score, model_id, catalog_hash, origin
    FROM labels
    QUALIFY row_number() OVER (PARTITION BY passage_id ORDER BY origin <> 'rule' DESC, score DESC, narrative_id) = 1
),
thresholds AS (
    SELECT unnest($narratives::VARCHAR[]) AS narrative_id, unnest($thresholds::DOUBLE[]) AS threshold
),
nearest AS (
    SELECT b.passage_id
    FROM best b LEFT JOIN thresholds t USING (narrative_id)
    QUALIFY row_number() OVER (PARTITION BY b.origin = 'rule', b.narrative_id
                               ORDER BY abs(b.score - coalesce(t.threshold, $default_threshold)), b.passage_id)
            <= $per_narrative
),
newest AS (
    SELECT alert_id, narrative_id, camp, day, row_number() OVER (ORDER BY day DESC, created_at DESC, alert_id) - 1 AS alert_rank
    FROM alerts
    WHERE coalesce(kind, 'spike') = 'spike'
    ORDER BY day DESC, created_at DESC, alert_id
    LIMIT $alerts
),
shown AS (
    SELECT l.passage_id, n.alert_rank,
           'the ' || n.narrative_id || ' spike of ' || CAST(n.day AS VARCHAR)
           || CASE WHEN n.camp = '*' THEN '' ELSE ' (' || n.camp || ')' END AS alert
    FROM newest n
    JOIN passage_narratives l ON l.narrative_id = n.narrative_id AND l.day = n.day
    JOIN sources s ON s.source_id = l.source_id
    WHERE n.camp = '*' OR s.camp = n.camp
    QUALIFY row_number() OVER (PARTITION BY n.alert_id ORDER BY l.score DESC, l.passage_id) <= $per_alert
),
evidence AS (
    SELECT passage_id, min(alert_rank) AS alert_rank, arg_min(alert, alert_rank) AS alert FROM shown GROUP BY passage_id
)
SELECT b.passage_id, p.text_hash, p.text, a.article_id, coalesce(a.canonical_url, a.url) AS article_url, a.title,
       s.name AS outlet, b.narrative_id, b.stance, b.score, b.model_id, b.catalog_hash,
       CASE WHEN b.origin = 'head' THEN 'the head gave the article ' || b.narrative_id
                                        || ', the exemplar rule none of its passages'
            WHEN b.origin = 'overruled' THEN 'the exemplar rule says ' || b.narrative_id
                                             || ', the head did not give the article it'
       END AS disagreement,
       ev.alert_rank, ev.alert, e.vector
FROM best b
JOIN passages p USING (passage_id)
JOIN articles a ON a.article_id = p.article_id
JOIN sources s ON s.source_id = a.source_id
LEFT JOIN evidence ev USING (passage_id)
LEFT JOIN embeddings e ON e.text_hash = p.text_hash AND e.model_id = $model_id
WHERE ev.passage_id IS NOT NULL OR b.passage_id IN (SELECT passage_id FROM nearest)
ORDER BY b.passage_id
