-- The strongest spike alert and its ISO week: the demo's "try next" suggestions start from it.
SELECT narrative_id, strftime(day, '%G-W%V') FROM alerts WHERE kind = 'spike' ORDER BY score DESC, day LIMIT 1
