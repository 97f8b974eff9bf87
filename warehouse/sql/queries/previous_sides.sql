-- Each outlet's latest named side before `week`, so crossings stay right in an incremental run.
SELECT source_id, arg_max(side, week) FROM outlet_alignment_weekly
WHERE week < $week AND side IS NOT NULL
GROUP BY source_id
