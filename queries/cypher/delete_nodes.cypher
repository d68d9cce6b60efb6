// Nodes whose relations are already gone.
UNWIND $ids AS id
MATCH (n:Entity {id: id})
DELETE n
RETURN count(n) AS deleted
