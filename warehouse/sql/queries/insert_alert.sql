INSERT INTO alerts (alert_id, narrative_id, camp, day, count, total, share, baseline, score, evidence, created_at,
                    kind, p_value)
VALUES ($alert_id, $narrative_id, $camp, $day, $count, $total, $share, $baseline, $score, $evidence, now(),
        $kind, $p_value)
ON CONFLICT (alert_id) DO NOTHING
RETURNING alert_id
