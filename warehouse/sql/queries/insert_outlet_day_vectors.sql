INSERT INTO outlet_day_vectors VALUES ($source_id, $day, $model_id, $articles, $vector_sum)
