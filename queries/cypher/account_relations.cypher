// The relations among the nodes $ids of account $account's influence graph, and their ASSIGNED_TO
// relations to the account, as one row: the driver pays per row received, so 50,000 rows cost
// seconds, one list of them a fraction. Filtered here, not by the caller: in a portfolio, members
// and popular influencers have thousands of relations into other accounts.
// Each relation is found from its start node, sought by id (USING INDEX SEEK): left to itself, the
// planner sought every end node b with b.id IN $ids once per id and expanded backwards, ids x ids rows
// (a 62-node account: 88,000 db hits and 96 ms; 4,300 and 19 ms with the hint).
UNWIND $ids AS id
MATCH (a:Entity {id: id}) USING INDEX SEEK a:Entity(id)
MATCH (a)-[r]->(b:Entity)
WHERE b.id IN $ids OR (b.id = $account AND type(r) = 'ASSIGNED_TO')
RETURN collect([type(r), a.id, b.id, properties(r)]) AS rows
