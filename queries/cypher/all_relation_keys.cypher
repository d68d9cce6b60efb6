MATCH (a:Entity)-[r]->(b:Entity)
RETURN [type(r), a.id, b.id] AS key
