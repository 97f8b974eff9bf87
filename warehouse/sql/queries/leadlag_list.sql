-- `radar leadlag`: the latest week's pairs per narrative (leads beyond chance first), or one narrative's. A pair at
-- lag 0 publishes on the same days: nobody leads, so it is shown as `a = b (same day)` and never significant (also
-- for rows stored before that rule).
SELECT week, narrative_id, grouping,
       CASE WHEN lag_days > 0 THEN leader || ' → ' || follower ELSE leader || ' = ' || follower || ' (same day)' END
           AS pair,
       lag_days, round(correlation, 3) AS correlation,
       round(strength, 3) AS strength, round(ci_low, 3) AS ci_low, round(ci_high, 3) AS ci_high,
       round(p_value, 4) AS p_value, significant AND lag_days > 0 AS significant,
       leader_articles || ' / ' || follower_articles AS articles
FROM narrative_leadlag
WHERE ($narrative IS NULL AND week = (SELECT max(week) FROM narrative_leadlag)) OR narrative_id = $narrative
ORDER BY week DESC, significant AND lag_days > 0 DESC, ci_low DESC, narrative_id, grouping, leader, follower
