INSERT INTO narratives (narrative_id, label, family, description, catalog_hash) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (narrative_id) DO UPDATE SET
    label = excluded.label, family = excluded.family, description = excluded.description,
    catalog_hash = excluded.catalog_hash
