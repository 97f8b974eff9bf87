SELECT source_id, name, camp FROM sources
