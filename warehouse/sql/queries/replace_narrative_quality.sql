-- One fit's quality rows replace the previous fit's (models/judged.py Quality.row, one list per column).
INSERT INTO narrative_quality
SELECT unnest($narrative_id), unnest($decided_by), unnest($judgments), unnest($held_out), unnest($true_positive),
       unnest($false_positive), unnest($false_negative), unnest($precision::DOUBLE[]), unnest($precision_low::DOUBLE[]),
       unnest($precision_high::DOUBLE[]), unnest($recall::DOUBLE[]), unnest($recall_low::DOUBLE[]),
       unnest($recall_high::DOUBLE[]), $params_hash, $judgments_hash, now()
