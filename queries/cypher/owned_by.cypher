UNWIND $accounts AS account
MATCH (n:Entity {account: account})
RETURN labels(n) AS labels, properties(n) AS props
ORDER BY n.account, n.id
