MATCH (t:GraphsvcToken)
RETURN properties(t) AS token
ORDER BY t.created, t.id
