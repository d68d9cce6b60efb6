MATCH (n:Entity {account: $account})
RETURN labels(n) AS labels, count(*) AS n
