SELECT source_id FROM sources
