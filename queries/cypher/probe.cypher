// Whether the store's database answers, after Neo4j was found gone: one statement, run by one caller at a time.
// A Neo4j server that is starting accepts connections (the driver's connectivity check passes) and holds
// statements until its database is up; this one is answered only then.
OPTIONAL MATCH (m:GraphsvcMeta {key: 'store'})
RETURN m IS NOT NULL AS up
