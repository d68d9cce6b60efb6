// The relations leaving the nodes $ids (the caller keeps those that stay inside the influence graph).
UNWIND $ids AS id
MATCH (a:Entity {id: id})-[r]->(b:Entity)
RETURN [type(r), a.id, b.id, properties(r)] AS row
