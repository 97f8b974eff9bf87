-- Forecast tracker: each hypothesis of config/hypotheses.yaml evaluated on the trailing window ending each ISO week.
CREATE TABLE IF NOT EXISTS hypothesis_weekly (
    hypothesis_id  VARCHAR NOT NULL,
    week           VARCHAR NOT NULL,   -- ISO week, e.g. 2026-W05 (the window's last week)
    value          DOUBLE,
    ci_low         DOUBLE,             -- 95% interval: bootstrap over articles, or the slope's t interval
    ci_high        DOUBLE,
    evidence       INTEGER NOT NULL,   -- articles (or weeks, for a trend) behind the value
    verdict        VARCHAR NOT NULL,   -- supported | contradicted | inconclusive
    computed_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (hypothesis_id, week)
);
