MATCH (n:Entity)
RETURN n.id AS id
LIMIT 1
