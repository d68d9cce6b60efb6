// A page, in id order, of the nodes that a caller who may see exactly the accounts $within sees
// (GraphStore.count_nodes): those accounts; their sites, people and committees; every member; and every
// influencer with no INFLUENCES / MEMBER_OF relation with a person or committee, or with one with a person or
// committee of those accounts. Kept in step with count_nodes_within.cypher. One branch per kind, each on its
// own index: Account(id) for $accounts, Entity(account) for $owners (a seek per id), the Member and
// Influencer labels. The caller narrows $accounts and $owners to what the kind and account filters can
// match (an empty list reads nothing: PROFILE showed a $label test sits above the seek, not before it).
// $within is the whole set, for the influencers. Every other filter is optional (null: no filter), as
// in list_nodes.cypher. PROFILE, one account of 4,924 nodes (bench.generate "huge") and 4 unknown ids,
// first page of every kind: 11,318 db hits, all seeks but the Member and Influencer label scans.
CALL () {
  MATCH (n:Account) WHERE n.id IN $accounts RETURN n
  UNION ALL
  MATCH (n:Entity) USING INDEX n:Entity(account) WHERE n.account IN $owners RETURN n
  UNION ALL
  MATCH (n:Member) WHERE $label IS NULL OR $label = 'Member' RETURN n
  UNION ALL
  MATCH (n:Influencer)
  WHERE ($label IS NULL OR $label = 'Influencer')
    AND (EXISTS { (n)-[:INFLUENCES|MEMBER_OF]-(t) WHERE (t:Person OR t:Committee) AND t.account IN $within }
      OR NOT EXISTS { (n)-[:INFLUENCES|MEMBER_OF]-(t) WHERE t:Person OR t:Committee })
  RETURN n
}
WITH n
WHERE ($after IS NULL OR n.id > $after)
  AND ($label IS NULL OR $label IN labels(n))
  AND ($account IS NULL OR n.account = $account)
  AND ($fold IS NULL OR n._fold CONTAINS $fold)
  AND all(f IN $where WHERE CASE WHEN f.list THEN f.value IN n[f.name] ELSE n[f.name] = f.value END)
RETURN labels(n) AS labels, properties(n) AS props
ORDER BY n.id
LIMIT $limit
