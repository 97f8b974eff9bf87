-- Alerts other than spikes stored by this run (the run's markdown artifact).
SELECT day, kind, CAST(evidence AS VARCHAR) FROM alerts WHERE kind <> 'spike' AND created_at >= $started
ORDER BY day, kind
