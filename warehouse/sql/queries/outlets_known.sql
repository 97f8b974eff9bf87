-- The stored outlets, to resolve `radar outlets --outlet NAME` and name a mistyped outlet or camp.
SELECT source_id, name, camp FROM sources ORDER BY name
