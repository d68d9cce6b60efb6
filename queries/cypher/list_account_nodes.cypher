// A page of one account's sites, people and committees in id order.
MATCH (n:Entity {account: $account})
WHERE ($after IS NULL OR n.id > $after)
  AND ($label IS NULL OR $label IN labels(n))
  AND ($fold IS NULL OR n._fold CONTAINS $fold)
  AND all(f IN $where WHERE CASE WHEN f.list THEN f.value IN n[f.name] ELSE n[f.name] = f.value END)
RETURN labels(n) AS labels, properties(n) AS props
ORDER BY n.id
LIMIT $limit
