MATCH (n:Entity)
WHERE ($label IS NULL OR $label IN labels(n))
  AND ($fold IS NULL OR n._fold CONTAINS $fold)
  AND all(f IN $where WHERE CASE WHEN f.list THEN f.value IN n[f.name] ELSE n[f.name] = f.value END)
RETURN count(n) AS n
