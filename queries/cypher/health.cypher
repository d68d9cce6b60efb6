// Counts come from Neo4j's count store: constant time at any size.
CALL () { MATCH (n:Entity) RETURN count(n) AS nodes }
CALL () { MATCH ()-[r]->() RETURN count(r) AS relations }
OPTIONAL MATCH (m:GraphsvcMeta {key: 'store'})
RETURN nodes, relations, coalesce(m.revision, 0) AS revision
