// The node set of account $account's influence graph (DESIGN.md section 2): what it owns; who
// INFLUENCES it or sits in its committees; the members who COVER, KNOW or sit with any of those;
// and the members ASSIGNED_TO it. No rows when there is no such account; one row with no nodes
// for an account with nothing in it yet (OPTIONAL: a subquery without rows would drop the account).
// The branches name $account, not a.id: with a.id the planner scanned the whole Entity(account) index
// in two of them (O(store), 96 ms for a 300-node account among 100,000 nodes; 21 ms now).
// The fourth branch takes the distinct nodes with a relation into the account, then expands from each
// once: written as one path, the planner started it with a scan of every COVERS, KNOWS and MEMBER_OF
// relation in the store (O(store) again), or walked every member link once per path through it:
// for the huge account 1.2 million db hits -> 361,000, 357 -> 133 ms, the same nodes.
// USING INDEX: a plan cached while the store was empty or held one account (where a seek and a scan of
// Entity(account) cost the same) scanned the whole index in every branch, O(store) per call, for as
// long as it stayed cached; a benchmark run hit it on the 100,000-node portfolio. USING INDEX SEEK:
// a plain USING INDEX is met by a scan of the index too, and the planner chose one for the third
// branch (every Entity with an account, then a filter): 4,800 index entries read for a 62-node account
// of a 5,000-node store, 50,000 at 50,000 (the scale benchmark's 425 ms typical build at M).
MATCH (a:Account {id: $account})
OPTIONAL MATCH (rev:GraphsvcRevision {account: $account})
OPTIONAL CALL (a) {
  MATCH (n:Entity {account: $account}) USING INDEX SEEK n:Entity(account) RETURN n
  UNION
  MATCH (o:Entity {account: $account})<-[:INFLUENCES|MEMBER_OF]-(n) USING INDEX SEEK o:Entity(account) RETURN n
  UNION
  MATCH (o:Entity {account: $account})<-[:COVERS|KNOWS|MEMBER_OF]-(n) USING INDEX SEEK o:Entity(account) RETURN n
  UNION
  MATCH (o:Entity {account: $account})<-[:INFLUENCES|MEMBER_OF]-(near) USING INDEX SEEK o:Entity(account)
  WITH DISTINCT near
  MATCH (near)<-[:COVERS|KNOWS|MEMBER_OF]-(n) RETURN n
  UNION
  MATCH (a)<-[:ASSIGNED_TO]-(n) RETURN n
}
WITH a, rev, collect(n) AS found
RETURN properties(a) AS account, coalesce(rev.revision, 0) AS revision,
       [n IN found | [labels(n), properties(n)]] AS nodes
