-- What each weekly verdict was judged against, stored with it so the report draws the threshold the verdict used
-- (not 0, nor today's file): the hypothesis' statement, its threshold, whether the test is two-sided (then the
-- threshold holds on both sides of 0) and the unit of its value. Rows written before get them on the next
-- `analyze`, which re-evaluates every week.
ALTER TABLE hypothesis_weekly ADD COLUMN IF NOT EXISTS statement VARCHAR;
ALTER TABLE hypothesis_weekly ADD COLUMN IF NOT EXISTS threshold DOUBLE;
ALTER TABLE hypothesis_weekly ADD COLUMN IF NOT EXISTS two_sided BOOLEAN;
ALTER TABLE hypothesis_weekly ADD COLUMN IF NOT EXISTS unit VARCHAR;
