// The relations among the nodes $ids of account $account's influence graph, and their ASSIGNED_TO
// relations to the account, as one row: the driver pays per row received, so 50,000 rows cost
// seconds, one list of them a fraction. Filtered here, not by the caller: in a portfolio, members
// and popular influencers have thousands of relations into other accounts.
UNWIND $ids AS id
MATCH (a:Entity {id: id})-[r]->(b:Entity)
WHERE b.id IN $ids OR (b.id = $account AND type(r) = 'ASSIGNED_TO')
RETURN collect([type(r), a.id, b.id, properties(r)]) AS rows
