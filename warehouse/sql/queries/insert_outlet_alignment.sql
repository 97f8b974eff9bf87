INSERT INTO outlet_alignment_weekly VALUES ($week, $source_id, $side, $distance_to_russia, $distance_to_china,
    $margin, $articles, $passages, $stable_side, $streak, $crossed, $evidence)
