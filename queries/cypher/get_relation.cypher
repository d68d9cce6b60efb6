MATCH (a:Entity {id: $from})-[r:$($type)]->(b:Entity {id: $to})
RETURN type(r) AS type, a.id AS from, b.id AS to, properties(r) AS props
