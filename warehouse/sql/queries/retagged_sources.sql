-- Configured outlets whose camp or tier differs from the stored one: camp and tier series of every day then need
-- recomputing (the daily camp rollup, bifurcation, spikes and lead-lag group by them).
SELECT s.name, s.camp AS stored_camp, s.tier AS stored_tier, c.camp, c.tier
FROM (SELECT unnest($ids) AS source_id, unnest($camps) AS camp, unnest($tiers) AS tier) c
JOIN sources s USING (source_id)
WHERE s.camp <> c.camp OR s.tier IS DISTINCT FROM c.tier
ORDER BY s.name
