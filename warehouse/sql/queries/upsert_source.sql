INSERT INTO sources (source_id, name, feed_url, camp, language, homepage, tier)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (source_id) DO UPDATE SET
    name = excluded.name, feed_url = excluded.feed_url, camp = excluded.camp, language = excluded.language, homepage = excluded.homepage,
    tier = excluded.tier
