MATCH (t:GraphsvcToken {id: $id})
SET t.revoked = coalesce(t.revoked, $now)
RETURN properties(t) AS token
