INSERT INTO alerts (alert_id, narrative_id, camp, day, count, total, share, baseline, score, evidence, created_at)
VALUES ($alert_id, $narrative_id, $camp, $day, $count, $total, $share, $baseline, $score, $evidence, now())
ON CONFLICT (alert_id) DO NOTHING
RETURNING alert_id
