UNWIND $keys AS k
MATCH (a:Entity {id: k[1]})-[r:$(k[0])]->(b:Entity {id: k[2]})
RETURN type(r) AS type, a.id AS from, b.id AS to, properties(r) AS props
