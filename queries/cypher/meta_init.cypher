// The store's bookkeeping node: revision counter and the version of schema/neo4j.cypher applied.
MERGE (m:GraphsvcMeta {key: 'store'})
  ON CREATE SET m.revision = 0, m.schema = 0
RETURN m.revision AS revision, m.schema AS schema
