// Every relation arriving at one of $ids ($type null: any type).
UNWIND $ids AS id
MATCH (a:Entity)-[r]->(b:Entity {id: id})
WHERE $type IS NULL OR type(r) = $type
RETURN type(r) AS type, a.id AS from, b.id AS to, properties(r) AS props
ORDER BY type, from, to
