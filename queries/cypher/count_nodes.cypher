// How many nodes list_nodes.cypher lists over all its pages; count_nodes:Label for one kind (a scan of
// that label only, where $label IN labels(n) read every node of the store).
MATCH (n:Entity)
WHERE ($label IS NULL OR $label IN labels(n))
  AND ($fold IS NULL OR n._fold CONTAINS $fold)
  AND all(f IN $where WHERE CASE WHEN f.list THEN f.value IN n[f.name] ELSE n[f.name] = f.value END)
RETURN count(n) AS n
