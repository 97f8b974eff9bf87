-- The stored outlets, to resolve `radar outlets --outlet NAME` (names may repeat across feeds) and name a mistyped
-- outlet or camp.
SELECT source_id, name, camp, feed_url FROM sources ORDER BY name, source_id
