-- The model whose vectors the window's passages were classified with.
SELECT any_value(model_id) FROM passage_classifications WHERE day BETWEEN $start AND $end
