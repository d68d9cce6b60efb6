// Like list_relations, starting at one node (index seek on its id).
MATCH (a:Entity {id: $from})-[r]->(b:Entity)
WHERE ($type IS NULL OR type(r) = $type)
  AND ($to IS NULL OR b.id = $to)
  AND ($after IS NULL OR type(r) > $after[0]
       OR (type(r) = $after[0] AND (a.id > $after[1] OR (a.id = $after[1] AND b.id > $after[2]))))
RETURN type(r) AS type, a.id AS from, b.id AS to, properties(r) AS props
ORDER BY type, from, to
LIMIT $limit
