SELECT source_id, camp FROM sources
