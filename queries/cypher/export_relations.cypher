// Every relation of type $type, in (from, to) order (streamed).
MATCH (a:Entity)-[r:$($type)]->(b:Entity)
RETURN a.id AS from, b.id AS to, properties(r) AS props
ORDER BY from, to
