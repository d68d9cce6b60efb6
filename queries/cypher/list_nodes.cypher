// A page of nodes in id order; every filter is optional (null: no filter). The store runs it as
// list_nodes:Label for one kind (cypher.query narrows the match on Entity to that label): its id index
// then yields the page in order; over Entity, a page of accounts read every node between them.
MATCH (n:Entity)
WHERE ($after IS NULL OR n.id > $after)
  AND ($label IS NULL OR $label IN labels(n))
  AND ($fold IS NULL OR n._fold CONTAINS $fold)
  AND all(f IN $where WHERE CASE WHEN f.list THEN f.value IN n[f.name] ELSE n[f.name] = f.value END)
RETURN labels(n) AS labels, properties(n) AS props
ORDER BY n.id
LIMIT $limit
