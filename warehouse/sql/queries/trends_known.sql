-- The narrative ids or camps (`$column`) the trends know, to name a mistyped filter.
SELECT DISTINCT CASE WHEN $column = 'camp' THEN camp ELSE narrative_id END AS value
FROM narrative_camp_daily WHERE value IS NOT NULL ORDER BY value
