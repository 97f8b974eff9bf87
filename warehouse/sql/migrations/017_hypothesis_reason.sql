-- Why a verdict is inconclusive (thin evidence and what is missing, an interval reaching the threshold, latest
-- weeks not significant); empty for supported and contradicted. Rows written before this column get it on the
-- next `analyze`, which re-evaluates every week.
ALTER TABLE hypothesis_weekly ADD COLUMN IF NOT EXISTS reason VARCHAR;
