// The relations leaving the nodes $ids (the caller keeps those that stay inside the influence graph),
// as one row: the driver pays per row received, so 50,000 rows cost seconds, one list of them a fraction.
UNWIND $ids AS id
MATCH (a:Entity {id: id})-[r]->(b:Entity)
RETURN collect([type(r), a.id, b.id, properties(r)]) AS rows
