MATCH (n:Entity {account: $account})
RETURN n.id AS id
