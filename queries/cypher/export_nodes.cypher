// Every node with label $label, in id order (streamed).
MATCH (n:Entity)
WHERE $label IN labels(n)
RETURN properties(n) AS props
ORDER BY n.id
