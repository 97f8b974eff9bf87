-- `radar leadlag`: the latest week's leads per narrative and pair (significant ones first), or one narrative's.
SELECT week, narrative_id, grouping, leader, follower, lag_days, round(correlation, 3) AS correlation,
       round(strength, 3) AS strength, round(ci_low, 3) AS ci_low, round(ci_high, 3) AS ci_high,
       round(p_value, 4) AS p_value, significant, leader_articles, follower_articles
FROM narrative_leadlag
WHERE ($narrative IS NULL AND week = (SELECT max(week) FROM narrative_leadlag)) OR narrative_id = $narrative
ORDER BY week DESC, significant DESC, ci_low DESC, narrative_id, grouping, leader, follower
