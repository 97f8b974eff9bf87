-- Each narrative's labelling quality from the latest fit on judgments (radar narratives fit), by label.
SELECT n.narrative_id, n.label, q.decided_by, q.judgments, q.held_out, q.precision, q.precision_low,
       q.precision_high, q.recall, q.recall_low, q.recall_high, q.fitted_at
FROM narratives n LEFT JOIN narrative_quality q USING (narrative_id)
ORDER BY n.label
