-- The alerts' columns mean the same for every kind (flows/alert_kinds.py): count and total are articles (the
-- articles behind the alert, and those they were counted among), share = count / total and baseline the share its
-- baseline expected (0 for kinds without a baseline), score = -log10 p_value (0 for kinds without a test). Before
-- this, a spike's count/share/baseline were passages (its test counts articles), an emerging alert's score was its
-- week's articles, a crossing's its margin, a forecast's its interval's low end; all of that stays in the evidence.
UPDATE alerts
SET count = CAST(json_extract(evidence, '$.articles') AS INTEGER),
    total = CAST(json_extract(evidence, '$.articles_that_day') AS INTEGER),
    share = CAST(json_extract(evidence, '$.articles') AS DOUBLE)
            / CAST(json_extract(evidence, '$.articles_that_day') AS DOUBLE),
    baseline = CAST(json_extract(evidence, '$.baseline_article_rate') AS DOUBLE)
WHERE kind = 'spike' AND CAST(json_extract(evidence, '$.articles_that_day') AS INTEGER) > 0
  AND json_extract(evidence, '$.articles') IS NOT NULL AND json_extract(evidence, '$.baseline_article_rate') IS NOT NULL;

UPDATE alerts
SET count = coalesce(CAST(json_extract(evidence, '$.week_articles') AS INTEGER), count),
    total = coalesce(CAST(json_extract(evidence, '$.week_articles') AS INTEGER), count),
    share = 0, baseline = 0,
    score = CASE WHEN p_value IS NULL THEN 0 ELSE -log10(greatest(p_value, 1e-300)) END
WHERE kind = 'emerging';

UPDATE alerts SET share = 0, baseline = 0, score = 0 WHERE kind = 'crossing';

UPDATE alerts SET count = 0, total = 0, share = 0, baseline = 0, score = 0 WHERE kind = 'hypothesis';
