MATCH (t:GraphsvcToken {id: $id})
SET t.last_used = $now
