-- Alerts of every kind about the week's days.
SELECT kind, CAST(evidence AS VARCHAR) FROM alerts WHERE day BETWEEN $monday AND $sunday ORDER BY kind, day, score DESC
