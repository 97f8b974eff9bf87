-- Sources, feed fetches, articles, passages and runs: the ingest slice.
CREATE TABLE IF NOT EXISTS sources (
    source_id   VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    feed_url    VARCHAR NOT NULL UNIQUE,
    camp        VARCHAR NOT NULL,
    language    VARCHAR NOT NULL,
    homepage    VARCHAR
);

-- One row per attempt; the newest row per feed holds the validators for the next conditional GET.
CREATE TABLE IF NOT EXISTS feed_fetches (
    fetch_id       VARCHAR PRIMARY KEY,
    run_id         VARCHAR,
    source_id      VARCHAR NOT NULL,
    feed_url       VARCHAR NOT NULL,
    fetched_at     TIMESTAMPTZ NOT NULL,
    http_status    INTEGER,
    etag           VARCHAR,
    last_modified  VARCHAR,
    n_entries      INTEGER,
    n_new          INTEGER,
    status         VARCHAR NOT NULL,   -- ok | not_modified | malformed | failed
    error          VARCHAR
);

CREATE TABLE IF NOT EXISTS articles (
    article_id     VARCHAR PRIMARY KEY,
    source_id      VARCHAR NOT NULL,
    url            VARCHAR NOT NULL,
    canonical_url  VARCHAR,
    guid           VARCHAR,
    title          VARCHAR,
    author         VARCHAR,
    published_at   TIMESTAMPTZ,
    date_source    VARCHAR,            -- page | feed | fetch
    fetched_at     TIMESTAMPTZ NOT NULL,
    language       VARCHAR,
    text           VARCHAR,
    text_source    VARCHAR,            -- page | feed
    content_hash   VARCHAR,
    status         VARCHAR NOT NULL,   -- ok | failed | pending
    error          VARCHAR,
    run_id         VARCHAR
);

-- Entry URLs seen per feed, so an article reached from two feeds (or via a redirect) is fetched once.
CREATE TABLE IF NOT EXISTS entry_urls (
    url         VARCHAR PRIMARY KEY,
    article_id  VARCHAR NOT NULL,
    source_id   VARCHAR NOT NULL,
    first_seen  TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS passages (
    passage_id  VARCHAR PRIMARY KEY,
    article_id  VARCHAR NOT NULL,
    position    INTEGER NOT NULL,
    text        VARCHAR NOT NULL,
    text_hash   VARCHAR NOT NULL,
    char_start  INTEGER NOT NULL,
    char_end    INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS passages_article ON passages (article_id);
CREATE INDEX IF NOT EXISTS passages_text_hash ON passages (text_hash);

CREATE TABLE IF NOT EXISTS runs (
    run_id       VARCHAR PRIMARY KEY,
    flow         VARCHAR NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,
    status       VARCHAR NOT NULL,     -- running | completed | failed
    counts       JSON
);
