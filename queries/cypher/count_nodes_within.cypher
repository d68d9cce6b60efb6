// How many nodes list_nodes_within.cypher lists over all its pages (the same branches and filters).
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
WHERE ($label IS NULL OR $label IN labels(n))
  AND ($account IS NULL OR n.account = $account)
  AND ($fold IS NULL OR n._fold CONTAINS $fold)
  AND all(f IN $where WHERE CASE WHEN f.list THEN f.value IN n[f.name] ELSE n[f.name] = f.value END)
RETURN count(n) AS n
